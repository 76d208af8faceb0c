package dev.fleet.cli;

import dev.fleet.transport.http.HttpAgent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet sleep}: run just before this machine suspends (a system-sleep hook), it tells the coordinator that
 * the machine goes to sleep, with the credential {@code fleet agent} keeps in its state directory, so its work
 * waits for it (up to each task's asleep grace) instead of failing over. It also leaves a mark in the state
 * directory ({@code agent-<id>.asleep}) that makes the running agent hold its heartbeats for up to
 * {@link #HOLD}, since a heartbeat between the announcement and the suspend would wake the machine at the
 * coordinator again. After the resume the agent notices the jump of the wall clock and heartbeats at once;
 * {@code fleet sleep --woke} (for the hook's "post" step) clears the mark sooner.
 *
 * <p>Runs on the calling thread and exits; one request, at most {@code --timeout} long.
 */
@Command(name = "sleep", description = "Tell the coordinator this machine is about to sleep (for a system-sleep hook).")
final class SleepCommand implements Callable<Integer> {
  /** How long the mark holds the agent's heartbeats: the suspend follows the hook within seconds, or not at all. */
  static final Duration HOLD = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Option(names = "--id", description = "The agent's machine id (default: the only agent whose credential is in the "
      + "state directory).")
  String id;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "The agent's state directory (default ~/.fleet).")
  Path stateDir;

  @Option(names = "--credential-file", paramLabel = "FILE",
      description = "The agent's credential (default: agent-<id>.credential in the state directory).")
  Path credentialFile;

  @Option(names = "--join", paramLabel = "URL[,URL...]",
      description = "The coordinator's URL, or the replicated coordinators' URLs separated by commas (default: "
          + "those the agent was given, from its state directory).")
  String coordinator;

  @Mixin
  TrustOptions trust;

  @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "5s",
      description = "Longest to wait for the coordinator (default ${DEFAULT-VALUE}); a sleep hook must not hang.")
  Duration timeout;

  @Option(names = "--woke", description = "The machine has resumed: clear the mark so the agent heartbeats now.")
  boolean woke;

  @Override
  public Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    // The agent keeps its coordinator's URL and the mark beside its credential.
    Path dir = credentialFile != null ? credentialFile.toAbsolutePath().getParent()
        : stateDir == null ? StateDir.defaultPath() : stateDir;
    String machine = id != null ? id : onlyAgent(dir);
    Path mark = dir.resolve(StateDir.agentAsleep(machine));
    if (woke) {
      Files.deleteIfExists(mark);
      out.println("Cleared the sleep mark of " + machine + "; its agent heartbeats again.");
      out.flush();
      return 0;
    }
    StateDir state = new StateDir(dir);
    Path credentialAt = credentialFile != null ? credentialFile : dir.resolve(StateDir.agentCredential(machine));
    if (!Files.isRegularFile(credentialAt)) {
      throw new IllegalArgumentException("no credential for " + machine + " at " + credentialAt + "; has `fleet "
          + "agent --id " + machine + "` joined with this state directory (--state-dir)?");
    }
    String credential = ClientOptions.readFile(credentialAt);
    CoordinatorAddress url = coordinator != null
        ? CoordinatorAddress.parse(coordinator, SettingsDefaults.source(spec, "--join"))
        : state.read(StateDir.agentCoordinator(machine)).map(u -> CoordinatorAddress.parse(u,
            dir.resolve(StateDir.agentCoordinator(machine)).toString()))
        .orElseThrow(() -> new IllegalArgumentException("no coordinator URL for " + machine + " in " + dir
            + "; give --join URL"));
    javax.net.ssl.SSLContext ssl = trust.context(spec);
    // The mark first: from now on the agent sends no heartbeat that would wake the machine again.
    Files.createDirectories(dir);
    Files.writeString(mark, "sleep announced\n");
    try {
      HttpAgent.announceSleep(url.uris(), credential, ssl, timeout);
    } catch (RuntimeException e) {
      Files.deleteIfExists(mark); // it did not happen: the agent heartbeats on
      throw e;
    }
    out.println("Told " + url.described() + " that " + machine + " goes to sleep; its work waits for it.");
    out.flush();
    return 0;
  }

  /** The id of the one agent whose credential is in {@code dir}. */
  private static String onlyAgent(Path dir) throws IOException {
    List<String> ids = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("agent-") && n.endsWith(".credential"))
            .sorted().forEach(n -> ids.add(n.substring("agent-".length(), n.length() - ".credential".length())));
      }
    }
    if (ids.size() == 1) {
      return ids.get(0);
    }
    throw new IllegalArgumentException(ids.isEmpty()
        ? "no agent credential (agent-<id>.credential) in " + dir + "; give the agent's --state-dir"
        : "several agents keep credentials in " + dir + " (" + String.join(", ", ids) + "); give --id");
  }

  /** Whether {@code fleet sleep} left its mark at {@code mark} within the last {@link #HOLD}, by the wall clock. */
  static boolean announcedRecently(Path mark, InstantSource clock) {
    try {
      FileTime at = Files.getLastModifiedTime(mark);
      long age = clock.millis() - at.toMillis();
      return age >= -HOLD.toMillis() && age < HOLD.toMillis();
    } catch (IOException e) {
      return false; // no mark
    }
  }
}

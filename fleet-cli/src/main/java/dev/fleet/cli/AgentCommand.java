package dev.fleet.cli;

import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import dev.fleet.spi.Ticker;
import dev.fleet.transport.http.HttpAgent;
import dev.fleet.transport.http.Probe;
import dev.fleet.transport.http.Probes;
import dev.fleet.transport.http.TaskHandler;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet agent}: joins this machine to a coordinator and runs its work until stopped. By default it only
 * echoes payloads (and sleeps on {@code sleep 5s}); {@code --allow-shell} runs them as shell commands.
 *
 * <p>It keeps the machine's credential in its state directory ({@code agent-<id>.credential}, readable only by
 * its owner) and reconnects with it on the next start instead of the join token, so a restarted agent, or one
 * whose coordinator restarted, is the same machine. The key it joins with is kept beside it, so a join whose
 * answer was lost can be retried after a restart of the agent too.
 *
 * <p><b>Stopping.</b> SIGINT (Ctrl-C) or SIGTERM makes it leave well ({@link HttpAgent#leave}): the coordinator
 * sends it no new work, running tasks get {@code --leave-grace} (30 s by default) to finish and report, what still
 * runs then is stopped without a result and moved to other machines at once, and it exits with status 0. A second
 * SIGINT or SIGTERM while it drains hands everything back at once. {@code --stop-after} leaves the same way. A join
 * token the coordinator refuses (or a machine id another agent holds) ends it with status 1 and says what to do.
 *
 * <p>At start it stops any shell task process group its previous run left running (recorded in
 * {@code agent-<id>.task-groups} in the state directory; see {@link ShellHandler}), and it keeps the coordinator's
 * URL (or the list of replicated coordinators' URLs) beside its credential ({@code agent-<id>.coordinator}) for
 * {@code fleet sleep}. Given several URLs it follows the leader ({@link HttpAgent#newBuilder(List, Machine)}).
 *
 * <p>Runs on the calling thread, which waits for a stop request; the agent's own threads do the work.
 */
@Command(name = "agent", description = "Join this machine to a fleet and run the work it is given.")
final class AgentCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--join", paramLabel = "URL[,URL...]", description = "The coordinator's URL, or the replicated "
      + "coordinators' URLs separated by commas: the agent follows the leader. Default: the list this agent's "
      + "last run saved in its state directory.")
  String coordinator;

  @Option(names = "--token", paramLabel = "TOKEN", description = "The fleet's join token.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the join token from this file.")
  Path tokenFile;

  @Option(names = "--id", required = true, description = "This machine's name in the fleet, e.g. m3-forge.")
  String id;

  @Option(names = "--capabilities", split = ",", paramLabel = "CAP", description = "What it can do, e.g. code,inference.")
  List<String> capabilities = List.of();

  @Option(names = "--role", defaultValue = "worker", description = "What the owner uses it for (default ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--hostname", description = "How to reach it (default: this host's name).")
  String hostname;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label, e.g. form=laptop; may repeat.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--slots", description = "Tasks run at once, told to the coordinator as the machine's 'slots' "
      + "label (default: half the cores).")
  Integer slots;

  @Option(names = "--leave-grace", converter = DurationConverter.class, defaultValue = "30s", paramLabel = "DURATION",
      description = "On Ctrl-C or SIGTERM, how long running tasks may take to finish before they are handed back "
          + "to run elsewhere (default ${DEFAULT-VALUE}); a second Ctrl-C hands them back at once.")
  Duration leaveGrace;

  @Option(names = "--allow-shell",
      description = "Run each task's payload as a /bin/sh command. Anyone who may submit work can then run commands here.")
  boolean allowShell;

  @Option(names = "--shell-timeout", converter = DurationConverter.class, defaultValue = "1h",
      description = "Longest a shell task may run (default 1h).")
  Duration shellTimeout;

  @Option(names = "--credential-file", paramLabel = "FILE",
      description = "Keep this machine's credential here, to reconnect as the same machine after a restart "
          + "(default: agent-<id>.credential in the state directory).")
  Path credentialFile;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where the agent keeps its credential (default ~/.fleet).")
  Path stateDir;

  @Option(names = "--forget-credential",
      description = "Do not keep the credential on disk: a restarted agent joins afresh with the join token.")
  boolean forgetCredential;

  @Option(names = "--probe-root", paramLabel = "DIR", defaultValue = "/",
      description = "Where /proc and /sys are (default /).")
  Path probeRoot;

  @Option(names = "--no-probes", description = "Do not read this machine's CPU load, battery, heat and owner "
      + "idle time; the coordinator then sees only this agent's busy slots. Use it when the machine's own load "
      + "keeps work away and you want work to run here anyway, or for a test.")
  boolean noProbes;

  @Mixin
  TrustOptions trust;

  @Option(names = "--stop-after", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Leave after this long, as on Ctrl-C (default: run until stopped).")
  Duration stopAfter;

  @Override
  public Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StateDir state = new StateDir(stateDir == null ? StateDir.defaultPath() : stateDir);
    Path credentialAt = forgetCredential ? null : credentialFile != null ? credentialFile
        : state.path().resolve(StateDir.agentCredential(id));
    CoordinatorAddress coordinators = coordinators(credentialAt);
    // Before anything is written: a bad --trust or password file stops the agent here.
    javax.net.ssl.SSLContext ssl = trust.context(spec);
    String join = token != null ? token : tokenFile != null ? ClientOptions.readFile(tokenFile) : null;
    Optional<String> saved = credentialAt != null && Files.isRegularFile(credentialAt)
        ? Optional.of(ClientOptions.readFile(credentialAt)) : Optional.empty();
    if (join == null && saved.isEmpty()) {
      throw new IllegalArgumentException("give --token or --token-file (or a --credential-file from an earlier run)");
    }
    if (leaveGrace.isNegative()) {
      throw new IllegalArgumentException("--leave-grace must not be negative, got " + leaveGrace);
    }
    Path groupsFile = state.path().resolve(StateDir.agentTaskGroups(id));
    List<String> leftOver = TaskGroups.reap(groupsFile, ShellHandler.KILL_AFTER);
    if (!leftOver.isEmpty()) {
      out.println("Stopped shell tasks this agent's last run left running: process groups " + String.join(", ",
          leftOver));
    }
    String host = hostname != null ? hostname : InetAddress.getLocalHost().getHostName();
    Machine machine = new Machine(new MachineId(id), host, role, new LinkedHashSet<>(capabilities),
        new Specs(Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalInt.of(Runtime.getRuntime().availableProcessors()), Map.of()), labels);
    TaskHandler handler = allowShell ? new ShellHandler(shellTimeout, new TaskGroups(groupsFile)) : new EchoHandler();
    HttpAgent.Builder b = HttpAgent.newBuilder(coordinators.uris(), machine).handler(handler);
    if (join != null) {
      b.joinToken(join);
    }
    saved.ifPresent(b::credential);
    Path asleepMark = state.path().resolve(StateDir.agentAsleep(id));
    if (credentialAt != null) {
      Path file = credentialAt.toAbsolutePath();
      StateDir dir = new StateDir(file.getParent());
      // Kept before the first join: if the coordinator's answer is lost (it crashed), the next join presents
      // the same key and is answered with a credential instead of "already joined".
      String keyName = StateDir.agentJoinKey(id);
      String key = dir.read(keyName).orElseGet(() -> {
        String k = dev.fleet.transport.http.HttpCoordinator.newSecret();
        dir.writeSecret(keyName, k);
        return k;
      });
      b.joinKey(key);
      b.onCredential(c -> dir.writeSecret(file.getFileName().toString(), c));
      dir.write(StateDir.agentCoordinator(id), coordinators.display()); // for `fleet sleep`: the whole list
      asleepMark = dir.path().resolve(StateDir.agentAsleep(id));
    }
    Path mark = asleepMark;
    b.asleepWhile(() -> SleepCommand.announcedRecently(mark, InstantSource.system()));
    if (slots != null) {
      b.slots(slots);
    }
    if (!noProbes) {
      for (Probe p : Probes.forThisMachine(probeRoot).probes()) {
        b.probe(p);
      }
    }
    if (ssl != null) {
      b.sslContext(ssl);
    }
    try (StopSignals signals = StopSignals.install(); HttpAgent agent = b.build().start()) {
      banner(out, agent, saved.isPresent(), signals, coordinators);
      String refused = awaitStop(agent, signals);
      if (refused != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("fleet agent: " + refused);
        err.flush();
        return 1;
      }
      return new AgentLeave(agent, signals, out).leave(leaveGrace);
    }
  }

  /**
   * The coordinators {@code --join} names, else the list an earlier run saved beside the credential: an agent
   * restarted by hand or by a service manager finds the fleet's coordinators without being told them again.
   */
  private CoordinatorAddress coordinators(Path credentialAt) {
    if (coordinator != null) {
      return CoordinatorAddress.parse(coordinator, SettingsDefaults.source(spec, "--join"));
    }
    Path saved = credentialAt == null ? null
        : credentialAt.toAbsolutePath().getParent().resolve(StateDir.agentCoordinator(id));
    if (saved == null || !Files.isRegularFile(saved)) {
      throw new IllegalArgumentException("give --join URL[,URL...]: no coordinator is saved for " + id
          + (saved == null ? " (--forget-credential keeps nothing)" : " in " + saved));
    }
    return CoordinatorAddress.parse(ClientOptions.readFile(saved), saved.toString());
  }

  private void banner(PrintWriter out, HttpAgent agent, boolean reconnecting, StopSignals signals,
      CoordinatorAddress coordinators) {
    String slotCount = agent.machine().labels().get("slots");
    out.println("Agent " + id + (reconnecting ? " reconnecting with its saved credential to " : " joining ")
        + (coordinators.several() ? "the leader of " : "") + coordinators.display() + " with "
        + (capabilities.isEmpty() ? "no capabilities" : "capabilities " + String.join(", ", capabilities)) + ", "
        + slotCount + ("1".equals(slotCount) ? " slot" : " slots") + "; tasks "
        + (allowShell ? "run as shell commands" : "are echoed (use --allow-shell to run them)"));
    List<String> ignored = signals.ignored();
    if (ignored.contains("SIGTERM")) {
      out.println("Note: SIGTERM is ignored by this process, so no signal can make it leave well; use --stop-after.");
    } else if (!ignored.isEmpty()) {
      out.println("Note: SIGINT is ignored by this process (started in the background?); send SIGTERM (kill "
          + ProcessHandle.current().pid() + ") to make it leave well.");
    }
    out.flush();
  }

  /**
   * Waits for a stop request: a signal, {@code --stop-after}, or {@link Running#stopAll()}. Returns why the agent
   * cannot run if the coordinator refused it meanwhile, else null.
   */
  private String awaitStop(HttpAgent agent, StopSignals signals) throws InterruptedException {
    CountDownLatch stopped = Running.stopLatch();
    try {
      Ticker ticker = Ticker.system();
      long deadline = stopAfter == null ? Long.MAX_VALUE : ticker.read() + stopAfter.toNanos();
      while (signals.count() == 0 && stopped.getCount() > 0 && ticker.read() < deadline) {
        if (agent.state() == HttpAgent.State.REFUSED) {
          String why = agent.refusal().orElse("the coordinator refused this machine");
          return why.startsWith("the coordinator refused the join token")
              ? why + "; check that --token or --token-file holds the fleet's current join token (the "
                  + "coordinator's join-token file; a rotation replaces it)"
              : "the coordinator refused to let " + id + " join: " + why;
        }
        signals.await(0, Duration.ofMillis(200));
      }
      return null;
    } finally {
      Running.forget(stopped);
    }
  }
}

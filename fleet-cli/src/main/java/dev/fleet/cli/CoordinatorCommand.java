package dev.fleet.cli;

import dev.fleet.Fleet;
import dev.fleet.core.FileJournal;
import dev.fleet.core.FleetBuilder;
import dev.fleet.core.Fleets;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryJson;
import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.HttpCoordinator;
import dev.fleet.transport.http.HttpCoordinatorBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet coordinator}: runs the fleet and its HTTP coordinator until stopped. On first start it makes a
 * join token and a client token, prints them, and keeps them in the state directory; it binds 127.0.0.1 unless
 * told otherwise. It journals every change in the state directory's {@code journal/} (unless {@code --in-memory}),
 * so a restart with the same state directory, even after {@code kill -9}, finds the fleet as it was.
 *
 * <p>The {@code join-token} file follows the join token: a rotation through the API rewrites it, a revocation
 * deletes it. After a restart the journal, not the file, says which join token is valid; the command says so
 * when the two disagree.
 *
 * <p>Runs on the calling thread, which waits until the JVM is asked to stop.
 */
@Command(name = "coordinator", subcommands = {ExportCertCommand.class, PromoteCommand.class},
    description = "Run the fleet's coordinator: agents join it, clients submit to it.")
final class CoordinatorCommand implements Callable<Integer> {
  static final String TLS_PASSWORD_HELP = "The keystore's password (or $FLEET_COORDINATOR_TLS_PASSWORD, or "
      + "--tls-password-file, which keep it out of `ps`).";
  static final String TLS_PASSWORD_FILE_HELP = "Read the keystore's password from this file.";

  @Spec
  CommandSpec spec;

  @Option(names = "--registry", paramLabel = "FILE",
      description = "A registry JSON file ({\"machines\": [...]}) whose machines the fleet starts with.")
  Path registry;

  @Option(names = "--registry-out", paramLabel = "FILE",
      description = "Keep FILE equal to the live registry (as `fleet registry export` prints it): rewritten "
          + "atomically when it changes, at most once a second.")
  Path registryOut;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address to listen on (default ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--port", defaultValue = "7070", description = "The port; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where tokens, the URL and the journal are kept (default ~/.fleet).")
  Path stateDir;

  @Option(names = "--in-memory",
      description = "Keep the fleet only in memory: a restart forgets every machine, credential and task.")
  boolean inMemory;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve HTTPS with this PKCS#12 keystore "
      + "(agents and clients get only its certificate: `fleet coordinator export-cert`).")
  Path keystore;

  @Option(names = "--tls-password", paramLabel = "PASSWORD", description = TLS_PASSWORD_HELP)
  String keystorePassword;

  @Option(names = "--tls-password-file", paramLabel = "FILE", description = TLS_PASSWORD_FILE_HELP)
  Path keystorePasswordFile;

  @Option(names = "--insecure-non-loopback",
      description = "Allow plain HTTP on an address other than loopback (credentials travel in the clear).")
  boolean insecure;

  @Option(names = "--heartbeat-interval", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How often agents heartbeat (default 5s).")
  Duration heartbeatInterval;

  @Option(names = "--offline-after", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Silence after which a machine is offline and its work moves (default 6 intervals).")
  Duration offlineAfter;

  @Option(names = "--stop-after", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long (default: run until stopped).")
  Duration stopAfter;

  @Option(names = "--load-ceiling", paramLabel = "LOAD",
      description = "Load at or over which a machine takes no new work, in (0, 10] (default 0.80); the load an "
          + "agent reports includes its owner's own work.")
  Double loadCeiling;

  @Option(names = "--urgent-ceiling", paramLabel = "LOAD",
      description = "The same for urgent tasks, in (0, 10] and at least --load-ceiling (default 0.95, or "
          + "--load-ceiling if higher).")
  Double urgentCeiling;

  @Option(names = "--max-machines", paramLabel = "N",
      description = "The most machines the fleet may hold; joins beyond it are refused (default 1000).")
  Integer maxMachines;

  @Option(names = "--prune-never-heard-after", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Remove a machine that joined and sent no heartbeat within this long (default 10m, or the "
          + "offline time if longer; 0s keeps them).")
  Duration pruneNeverHeardAfter;

  @Option(names = "--prune-offline-after", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Remove a machine offline or asleep and silent this long; its agent joins afresh when it is "
          + "back (default 7d; 0s keeps them).")
  Duration pruneOfflineAfter;

  @Option(names = "--max-payload-bytes", paramLabel = "SIZE", converter = ByteSizeConverter.class,
      description = "The largest payload one task may carry, e.g. 64KiB (default 1MiB, at most 16MiB); a larger "
          + "one is refused with 413.")
  Long maxPayloadBytes;

  @Option(names = "--max-payload-bytes-held", paramLabel = "SIZE", converter = ByteSizeConverter.class,
      description = "The payload bytes held at once for tasks not yet finished (default 256MiB); a submission "
          + "beyond it is refused with 507 until work finishes.")
  Long maxPayloadBytesHeld;

  @Option(names = "--capability-changes", paramLabel = "hold|refuse|accept", defaultValue = "hold",
      description = "What happens when a machine that joined with the fleet's join token joins again claiming more "
          + "capabilities or another role: hold it for `fleet approve`, refuse it, or accept it (default "
          + "${DEFAULT-VALUE}). Its first join is trusted as it is.")
  String capabilityChanges;

  @Option(names = "--node", paramLabel = "NAME",
      description = "This coordinator's name among --peers (replicated coordinators, see docs/ha.md).")
  String node;

  @Option(names = "--peers", paramLabel = "NAME=URL@HOST:PORT,...",
      description = "Run as one of several replicated coordinators: each node's name, the URL agents and clients "
          + "use, and its Raft address, e.g. desktop=http://192.168.1.10:7070@192.168.1.10:7800,... (3 or 5 "
          + "nodes; this node listens on the port of its own URL).")
  String peers;

  @Option(names = "--manual-failover",
      description = "With exactly two --peers: run the pair anyway, knowing that neither takes over on its own "
          + "when the other is down (see docs/ha.md).")
  boolean manualFailover;

  @Option(names = "--raft-failure-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "With --peers: how long a silent coordinator is waited for before another takes over "
          + "(default 2s; a crashed one is noticed sooner).")
  Duration raftFailureTimeout;

  /** The registry behind /metrics and the readiness behind /v1/health/ready; set when the command runs. */
  CoordinatorMetrics metrics;

  @Override
  public Integer call() throws Exception {
    return CommandErrors.run(spec, this::execute);
  }

  private Integer execute() {
    checkCeilings(); // before anything is written to the state directory
    if (maxMachines != null && maxMachines < 1) {
      throw new IllegalArgumentException("--max-machines must be at least 1, got " + maxMachines);
    }
    PruneTimes prune = PruneTimes.choose(pruneNeverHeardAfter, pruneOfflineAfter, offlineAfter != null
        ? offlineAfter : (heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval).multipliedBy(6));
    PayloadLimits payloads = PayloadLimits.of(maxPayloadBytes, maxPayloadBytesHeld);
    JoinTokenCommand.policy("--capability-changes", capabilityChanges); // refused before anything is written
    String password = Passwords.resolve(spec, "--tls-password", keystorePassword, "--tls-password-file",
        keystorePasswordFile);
    Peers group = ReplicatedRun.check(peers, node, manualFailover, inMemory, raftFailureTimeout);
    if (group != null && registryOut != null) {
      throw new IllegalArgumentException("--registry-out is for a single coordinator; with --peers, have a tool "
          + "read GET /v1/registry (fleet registry export) from the leader");
    }
    if (registryOut != null) {
      Path dir = registryOut.toAbsolutePath().getParent();
      if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
        throw new IllegalArgumentException("--registry-out " + registryOut + ": the directory " + dir
            + " does not exist");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    StateDir state = new StateDir(stateDir == null ? StateDir.defaultPath() : stateDir);
    boolean first = state.read(StateDir.CLIENT_TOKEN).isEmpty();
    Optional<String> joinFile = state.read(StateDir.JOIN_TOKEN);
    // Without a join-token file (first start, or the token was revoked) a new one is only the initial token:
    // a journaled rotation or revocation still wins, see below.
    String join = joinFile.orElseGet(HttpCoordinator::newSecret);
    String client = state.read(StateDir.CLIENT_TOKEN).orElseGet(HttpCoordinator::newSecret);
    if (first) {
      state.writeSecret(StateDir.CLIENT_TOKEN, client);
    }
    try (CoordinatorMetrics m = new CoordinatorMetrics(state)) {
      metrics = m;
      if (group != null) {
        return new ReplicatedRun(this, state, join, client, first, password, payloads, prune).run(group, node,
            raftFailureTimeout, out);
      }
      return runAlone(out, state, join, client, first, joinFile, password, payloads, prune);
    }
  }

  private Integer runAlone(PrintWriter out, StateDir state, String join, String client, boolean first,
      Optional<String> joinFile, String password, PayloadLimits payloads, PruneTimes prune) {
    HttpCoordinatorBuilder b = coordinatorBuilder(state, join, client, password, payloads);
    FileJournal[] journal = new FileJournal[1];
    HttpCoordinator[] self = new HttpCoordinator[1];
    // GET /v1/coordinators: this coordinator alone, its term the journal's epoch (0 in memory).
    b.coordinators(() -> dev.fleet.transport.http.model.Coordinators.single("coordinator", self[0].uri(),
        journal[0] == null ? 0 : journal[0].epoch()));
    HttpCoordinator coordinator = b.build();
    self[0] = coordinator;
    FleetBuilder fb = fleetBuilder(coordinator, payloads, prune);
    Path journalDir = state.path().resolve(StateDir.JOURNAL);
    if (!inMemory) {
      journal[0] = FileJournal.newBuilder(journalDir).build();
      fb.journal(journal[0]);
    }
    try (Fleet fleet = fb.build()) {
      loadRegistry(fleet, out);
      String joinState = reconcileJoinToken(state, coordinator, join, joinFile.isPresent());
      metrics.serving(fleet);
      coordinator.start(fleet);
      RegistryFile registryFile = null;
      try {
        if (registryOut != null) {
          registryFile = RegistryFile.start(fleet, registryOut, dev.fleet.spi.Ticker.system());
        }
        state.write(StateDir.URL, coordinator.uri().toString());
        out.println("Fleet coordinator listening on " + coordinator.uri());
        if (first) {
          out.println("First start: made a join token and a client token, kept in " + state.path()
              + " (readable only by you).");
          out.println("  join token:   " + join);
          out.println("  client token: " + client);
          out.println("Join a machine with:");
          out.println("  fleet agent --join " + coordinator.uri() + " --token " + join
              + " --id NAME --capabilities a,b --role ROLE" + (keystore == null ? "" : " --trust coordinator.pem"));
          if (keystore != null) {
            out.println("with this coordinator's certificate (not its keystore) from: fleet coordinator export-cert "
                + "--tls-keystore " + keystore + " --tls-password-file FILE --out coordinator.pem");
          }
        } else {
          out.println("Join token and client token are in " + state.path() + joinState);
        }
        out.println(inMemory ? "State is kept in memory only (--in-memory): a restart forgets it."
            : "Journaling to " + journalDir + "; back it up with: fleet backup FILE");
        out.println("Metrics at " + coordinator.uri() + "/metrics for the token in " + state.path().resolve(
            CoordinatorMetrics.TOKEN_FILE) + "; health at /v1/health/live and /v1/health/ready");
        out.flush();
        Running.untilStopped(stopAfter);
      } finally {
        if (registryFile != null) {
          registryFile.close();
        }
        coordinator.close();
      }
    }
    out.println("Coordinator stopped.");
    out.flush();
    return 0;
  }

  /** The coordinator's builder with every option of this command but the port set (the port too when alone). */
  HttpCoordinatorBuilder coordinatorBuilder(StateDir state, String join, String client, String password,
      PayloadLimits payloads) {
    HttpCoordinatorBuilder b = HttpCoordinator.newBuilder().bindAddress(bind).port(port).joinToken(join)
        .adminToken(client).onJoinTokenChange(token -> {
          if (token.isPresent()) {
            state.writeSecret(StateDir.JOIN_TOKEN, token.get());
          } else {
            state.delete(StateDir.JOIN_TOKEN);
          }
        });
    if (keystore != null) {
      b.tls(keystore, password);
    }
    if (insecure) {
      b.allowInsecureNonLoopback();
    }
    if (maxMachines != null) {
      b.maxMachines(maxMachines);
    }
    b.maxBodyBytes(payloads.bodyBytes());
    b.capabilityChanges(JoinTokenCommand.policy("--capability-changes", capabilityChanges));
    if (metrics != null) {
      metrics.applyTo(b);
    }
    return b;
  }

  /** The fleet's builder with every option of this command but the journal set. */
  FleetBuilder fleetBuilder(HttpCoordinator coordinator, PayloadLimits payloads, PruneTimes prune) {
    FleetBuilder fb = Fleets.newBuilder().transport(coordinator).maxPayloadBytes(payloads.perTask())
        .maxPayloadBytesHeld(payloads.held());
    if (loadCeiling != null) {
      fb.loadCeiling(loadCeiling);
    }
    if (urgentCeiling != null) {
      fb.urgentLoadCeiling(urgentCeiling);
    }
    if (heartbeatInterval != null) {
      fb.heartbeatInterval(heartbeatInterval);
      if (offlineAfter == null) {
        fb.suspectAfter(heartbeatInterval.multipliedBy(3)).offlineAfter(heartbeatInterval.multipliedBy(6));
      }
    }
    if (offlineAfter != null) {
      Duration interval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
      fb.suspectAfter(offlineAfter.dividedBy(2).compareTo(interval) > 0 ? offlineAfter.dividedBy(2)
          : interval.plusMillis(1)).offlineAfter(offlineAfter);
    }
    prune.applyTo(fb);
    return fb;
  }

  /**
   * Loads the --registry file's machines the fleet does not have yet, each with the time it was last heard (so
   * one silent for long is offline at once); says how many.
   */
  void loadRegistry(Fleet fleet, PrintWriter out) {
    if (registry == null) {
      return;
    }
    List<RegistryEntry> entries = RegistryJson.read(registry);
    int added = 0;
    for (RegistryEntry e : entries) {
      if (fleet.registry().get(e.machine().id()).isEmpty()) { // after a restart the journal has them already
        fleet.registry().register(e.machine(), e.status(), e.currentLoad(), e.lastHeartbeat());
        added++;
      }
    }
    out.println("Loaded " + added + " of " + entries.size() + " machines from " + registry);
  }

  private void checkCeilings() {
    checkCeiling("--load-ceiling", loadCeiling);
    checkCeiling("--urgent-ceiling", urgentCeiling);
    double ceiling = loadCeiling == null ? 0.8 : loadCeiling;
    if (urgentCeiling != null && urgentCeiling < ceiling) {
      throw new IllegalArgumentException("--urgent-ceiling " + urgentCeiling + " must be at least the load ceiling "
          + ceiling + (loadCeiling == null ? " (the default; lower it with --load-ceiling)" : " (--load-ceiling)"));
    }
  }

  private static void checkCeiling(String option, Double value) {
    if (value != null && !(value > 0 && value <= 10)) {
      throw new IllegalArgumentException(option + " must be a load in (0, 10], e.g. 0.8 or 1.5, got " + value);
    }
  }

  /**
   * Makes the join-token file agree with the journal, which decides after a restart: a token rotated through the
   * API while the file could not be written, or revoked, must not be presented as valid. Returns a note for the
   * start-up message.
   */
  private static String reconcileJoinToken(StateDir state, HttpCoordinator coordinator, String join,
      boolean fromFile) {
    if (coordinator.acceptsJoinToken(join)) {
      if (!fromFile) {
        state.writeSecret(StateDir.JOIN_TOKEN, join);
      }
      return "";
    }
    state.delete(StateDir.JOIN_TOKEN);
    if (coordinator.joinTokenRevoked()) {
      return "; the join token was revoked, so no machine can join until it is rotated (POST /v1/join-token)";
    }
    return "; the join token was rotated and the new one is not on file, so the join-token file was removed: "
        + "rotate it again (POST /v1/join-token) to get one";
  }
}

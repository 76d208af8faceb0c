package dev.fleet.cli;

import dev.fleet.transport.http.HttpFleetClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How the client commands ({@code submit}, {@code status}, {@code cancel}, {@code drain}, ...) reach the
 * coordinator: its URL and the client token, by default from the state directory the coordinator wrote on this
 * machine.
 *
 * <p>Not thread-safe; picocli fills it on one thread.
 */
final class ClientOptions {
  /** The coordinator asked when nothing names one. */
  static final URI DEFAULT_COORDINATOR = URI.create("http://127.0.0.1:7070");

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--coordinator", paramLabel = "URL[,URL...]",
      description = "The coordinator's URL, or the replicated coordinators' URLs separated by commas: the command "
          + "follows the leader (default: from the state directory, else http://127.0.0.1:7070).")
  String coordinator;

  @Option(names = "--client-token", paramLabel = "TOKEN",
      description = "The client token (default: the state directory's client-token file).")
  String clientToken;

  @Option(names = "--client-token-file", paramLabel = "FILE", description = "Read the client token from this file.")
  Path clientTokenFile;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the coordinator keeps its files (default ~/.fleet).")
  Path stateDir;

  @Mixin
  TrustOptions trust;

  /**
   * The coordinator named by {@code --coordinator} (from the command line, the environment or the config file) or
   * by the state directory's {@code coordinator.url}, and where that came from; empty if none names one.
   */
  Optional<CoordinatorAddress> knownCoordinator() {
    if (coordinator != null) {
      return Optional.of(CoordinatorAddress.parse(coordinator, SettingsDefaults.source(command, "--coordinator")));
    }
    StateDir state = state();
    return state.read(StateDir.URL).map(u -> CoordinatorAddress.parse(u,
        state.path().resolve(StateDir.URL).toString()));
  }

  /** The coordinator to ask: {@link #knownCoordinator()}, else http://127.0.0.1:7070. */
  CoordinatorAddress coordinator() {
    return knownCoordinator().orElse(new CoordinatorAddress(DEFAULT_COORDINATOR, "the default"));
  }

  private StateDir state() {
    return new StateDir(stateDirPath());
  }

  /** {@code --state-dir}, else {@code ~/.fleet}. */
  Path stateDirPath() {
    return stateDir == null ? StateDir.defaultPath() : stateDir;
  }

  HttpFleetClient client() {
    StateDir state = state();
    java.util.List<URI> uris = coordinator().uris();
    String token = clientToken;
    if (token == null && clientTokenFile != null) {
      token = readFile(clientTokenFile);
    }
    if (token == null) {
      token = state.read(StateDir.CLIENT_TOKEN).orElseThrow(() -> new IllegalArgumentException(
          "no client token: there is no " + state.path().resolve(StateDir.CLIENT_TOKEN) + ", which `fleet "
              + "coordinator` writes on its first start with that state directory; run this where the coordinator "
              + "runs (--state-dir for its directory), or give --client-token-file"));
    }
    SSLContext ssl = trustContext();
    return ssl == null ? HttpFleetClient.connect(uris, token) : HttpFleetClient.connect(uris, token, ssl);
  }

  static String readFile(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The TLS context for {@code --trust}, or null without it. */
  SSLContext trustContext() {
    return trust.context(command);
  }


}

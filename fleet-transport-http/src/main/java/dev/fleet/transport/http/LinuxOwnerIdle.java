package dev.fleet.transport.http;

import dev.fleet.spi.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How long since the owner of a Linux machine last touched it: from systemd-logind's idle hint for the session
 * active on {@code seat0} (see {@link LogindIdle}), else from {@code xprintidle} (X11 idle time, when it is on
 * the {@code PATH} and the agent can reach the display), else unknown, and then the reading carries no idle
 * time: the coordinator treats the owner as away. {@link #describe()} says which, for the agent's log.
 *
 * <p>The commands run in the background ({@link BackgroundReading}), at most every 2 seconds and for at most
 * 2 seconds each, so a reading is up to a few seconds old and a heartbeat never waits for {@code loginctl}.
 *
 * <p>Thread-safe.
 */
final class LinuxOwnerIdle implements Probe {
  static final String UNKNOWN = "owner idle time unknown on this machine: no logind idle hint and no xprintidle";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** What one look found: the idle time, if known, and where it came from or why it is unknown. */
  record Answer(Optional<Duration> idle, String source) {}

  private final List<Path> path;
  private final Clock clock;
  private final BackgroundReading<Answer> answers;

  /**
   * @param path the directories to find {@code loginctl} and {@code xprintidle} in
   * @param clock the wall clock, against which logind's idle-since time is read
   */
  LinuxOwnerIdle(List<Path> path, Clock clock, Ticker ticker) {
    this.path = List.copyOf(path);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.answers = new BackgroundReading<>("owner idle time", this::look, Duration.ofSeconds(2),
        Duration.ofSeconds(15), ticker);
  }

  @Override
  public Reading read() {
    return answers.latest().flatMap(Answer::idle).map(Reading::ownerIdle).orElse(Reading.NONE);
  }

  /**
   * Where the idle time comes from, e.g. {@code owner idle time from logind (seat0, session 2)}, or, when it
   * cannot be read, a sentence that starts with {@code owner idle time unknown on this machine}. Waits up to {@code limit} for the first look.
   */
  String describe(Duration limit) {
    return answers.awaitFirst(limit).map(Answer::source)
        .orElse("owner idle time not read yet: loginctl and xprintidle did not answer within " + limit.toMillis()
            + " ms");
  }

  private Answer look() {
    String logind;
    Optional<Path> loginctl = ProbeCommand.find("loginctl", path);
    if (loginctl.isEmpty()) {
      logind = "no loginctl";
    } else {
      try {
        String l = loginctl.get().toString();
        Optional<String> session = LogindIdle.activeSession(
            ProbeCommand.run(List.of(l, "show-seat", "seat0", "-p", "ActiveSession"), TIMEOUT));
        if (session.isEmpty()) {
          logind = "nobody is logged in at seat0";
        } else {
          Optional<Duration> idle = LogindIdle.idle(ProbeCommand.run(List.of(l, "show-session", session.get(),
              "-p", "IdleHint", "-p", "IdleSinceHint"), TIMEOUT), clock.instant());
          if (idle.isPresent()) {
            return new Answer(idle, "owner idle time from logind (seat0, session " + session.get() + ")");
          }
          logind = "session " + session.get() + " never set its idle hint";
        }
      } catch (IOException | IllegalStateException e) {
        logind = e.getMessage();
      }
    }
    Optional<Path> xprintidle = ProbeCommand.find("xprintidle", path);
    if (xprintidle.isEmpty()) {
      return new Answer(Optional.empty(), UNKNOWN + " (" + logind + "); the coordinator treats the owner as away");
    }
    try {
      Duration idle = xprintidle(ProbeCommand.run(List.of(xprintidle.get().toString()), TIMEOUT));
      return new Answer(Optional.of(idle), "owner idle time from xprintidle (" + logind + ")");
    } catch (IOException | IllegalStateException e) {
      return new Answer(Optional.empty(), "owner idle time unknown on this machine: no logind idle hint ("
          + logind + ") and xprintidle failed (" + e.getMessage() + "); the coordinator treats the owner as away");
    }
  }

  /** Milliseconds idle, as {@code xprintidle} prints them. */
  static Duration xprintidle(String output) {
    String t = output.strip();
    try {
      long ms = Long.parseLong(t);
      if (ms >= 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalStateException("xprintidle printed something other than milliseconds: '" + t + "'");
  }

  @Override
  public String toString() {
    return "owner idle (logind or xprintidle)";
  }
}

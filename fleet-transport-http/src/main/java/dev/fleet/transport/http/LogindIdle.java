package dev.fleet.transport.http;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads systemd-logind's answers about the owner's activity: {@code loginctl show-seat seat0 -p ActiveSession}
 * ({@code ActiveSession=2}, empty when nobody is logged in at the seat) and
 * {@code loginctl show-session 2 -p IdleHint -p IdleSinceHint} ({@code IdleHint=yes},
 * {@code IdleSinceHint=1718000000000000}, microseconds since the epoch).
 *
 * <p>The desktop (GNOME, KDE, ...) sets the idle hint after its own idle delay, often 5 minutes, so the idle
 * time read here is 0 until then and the time since the hint was set afterwards: a lower bound of the time
 * since the owner's last touch. A session whose hint was never set ({@code IdleHint=no} with
 * {@code IdleSinceHint=0}: a desktop that does not report idleness) says nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class LogindIdle {
  private LogindIdle() {}

  /** {@code Key=Value} lines, as {@code loginctl show-*} prints them. */
  static Map<String, String> properties(String output) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  /**
   * The seat's active session, from {@code show-seat}; empty when nobody is logged in there.
   *
   * @throws IllegalStateException if the output has no {@code ActiveSession} property
   */
  static Optional<String> activeSession(String showSeat) {
    String s = properties(showSeat).get("ActiveSession");
    if (s == null) {
      throw new IllegalStateException("loginctl show-seat printed no ActiveSession: '" + showSeat.strip() + "'");
    }
    if (!s.matches("[A-Za-z0-9_-]{0,64}")) {
      throw new IllegalStateException("loginctl show-seat printed an ActiveSession that is not a session id: " + s);
    }
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /**
   * How long the session's owner has been idle at {@code now}, from {@code show-session}; empty when the
   * session has never reported idleness.
   *
   * @throws IllegalStateException if {@code IdleHint} or {@code IdleSinceHint} is missing or malformed
   */
  static Optional<Duration> idle(String showSession, Instant now) {
    Map<String, String> p = properties(showSession);
    String hint = p.get("IdleHint");
    String since = p.get("IdleSinceHint");
    if (hint == null || since == null) {
      throw new IllegalStateException("loginctl show-session printed no IdleHint or IdleSinceHint: '"
          + showSession.strip() + "'");
    }
    long micros;
    try {
      micros = Long.parseLong(since);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("loginctl show-session printed an IdleSinceHint that is not a number: "
          + since);
    }
    if (micros <= 0) {
      return Optional.empty();
    }
    switch (hint) {
      case "no":
        return Optional.of(Duration.ZERO);
      case "yes":
        Instant at = Instant.EPOCH.plus(Duration.ofSeconds(micros / 1_000_000, (micros % 1_000_000) * 1000));
        Duration d = Duration.between(at, now);
        return Optional.of(d.isNegative() ? Duration.ZERO : d); // a clock step back must not read as negative
      default:
        throw new IllegalStateException("loginctl show-session printed an IdleHint that is neither yes nor no: "
            + hint);
    }
  }
}

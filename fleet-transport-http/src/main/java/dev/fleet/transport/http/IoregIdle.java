package dev.fleet.transport.http;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long since the owner last touched a Mac's keyboard, mouse or trackpad, from
 * {@code ioreg -c IOHIDSystem}: its {@code "HIDIdleTime" = 123456789} property, in nanoseconds.
 *
 * <p>Stateless and thread-safe.
 */
final class IoregIdle {
  private static final Pattern IDLE = Pattern.compile("\"HIDIdleTime\"\\s*=\\s*(\\d{1,20})");

  private IoregIdle() {}

  /**
   * Reads the first {@code HIDIdleTime} of {@code ioreg -c IOHIDSystem} output.
   *
   * @throws IllegalStateException if there is none
   */
  static Duration parse(String output) {
    Matcher m = IDLE.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("ioreg -c IOHIDSystem printed no \"HIDIdleTime\" ("
          + output.strip().length() + " characters)");
    }
    long nanos;
    try {
      nanos = Long.parseLong(m.group(1));
    } catch (NumberFormatException tooLarge) {
      nanos = Long.MAX_VALUE; // over 292 years idle: as good as forever
    }
    return Duration.ofNanos(nanos);
  }

  /** As a probe reading. */
  static Probe.Reading reading(String output) {
    return Probe.Reading.ownerIdle(parse(output));
  }
}

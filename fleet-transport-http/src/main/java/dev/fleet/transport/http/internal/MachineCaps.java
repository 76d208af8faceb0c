package dev.fleet.transport.http.internal;

import java.util.Collection;
import java.util.Map;

/**
 * Bounds on what a machine may declare about itself over the wire: how many capabilities, labels, specs and
 * metrics, and how long each may be, so that one join or heartbeat cannot cost the coordinator more than a few
 * kilobytes of memory whatever the body limit allows.
 *
 * <p>Thread-safe: stateless.
 */
final class MachineCaps {
  static final int MAX_CAPABILITIES = 64;
  static final int MAX_LABELS = 64;
  static final int MAX_SPECS_EXTRA = 32;
  static final int MAX_METRICS = 64;
  static final int MAX_KEY = 128;
  static final int MAX_VALUE = 256;

  private MachineCaps() {}

  /** @throws Problem 400 naming the field and its size when a machine's registration is over a bound */
  static void check(Wire.MachineDto d) {
    if (d == null) {
      return;
    }
    count("machine.capabilities", d.capabilities(), MAX_CAPABILITIES);
    if (d.capabilities() != null) {
      for (String c : d.capabilities()) {
        length("a capability in machine.capabilities", c, MAX_KEY);
      }
    }
    entries("machine.labels", d.labels(), MAX_LABELS);
    if (d.specs() != null) {
      entries("machine.specs.extra", d.specs().extra(), MAX_SPECS_EXTRA);
    }
  }

  /** @throws Problem 400 naming the field and its size when a heartbeat's signals are over a bound */
  static void check(Wire.SignalsDto d) {
    if (d == null || d.metrics() == null) {
      return;
    }
    if (d.metrics().size() > MAX_METRICS) {
      throw tooMany("signals.metrics", d.metrics().size(), MAX_METRICS);
    }
    for (String k : d.metrics().keySet()) {
      length("a key of signals.metrics", k, MAX_KEY);
    }
  }

  private static void count(String field, Collection<?> values, int max) {
    if (values != null && values.size() > max) {
      throw tooMany(field, values.size(), max);
    }
  }

  private static void entries(String field, Map<String, String> values, int max) {
    if (values == null) {
      return;
    }
    if (values.size() > max) {
      throw tooMany(field, values.size(), max);
    }
    values.forEach((k, v) -> {
      length("a key of " + field, k, MAX_KEY);
      length(field + " '" + shorten(k) + "'", v, MAX_VALUE);
    });
  }

  private static void length(String what, String value, int max) {
    if (value != null && value.length() > max) {
      throw Problem.badRequest(what + " is " + value.length() + " characters long, at most " + max + " are allowed: '"
          + shorten(value) + "'");
    }
  }

  private static Problem tooMany(String field, int size, int max) {
    return Problem.badRequest("field '" + field + "' has " + size + " entries, at most " + max + " are allowed");
  }

  private static String shorten(String s) {
    return s == null || s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}

package dev.fleet.testing.sim;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the simulator's value types; every message names the bad value. */
final class SimChecks {
  private SimChecks() {}

  static void machineAndTime(int machine, Duration at) {
    if (machine < 0) {
      throw new IllegalArgumentException("machine must be >= 0, got " + machine);
    }
    Objects.requireNonNull(at, "at");
    if (at.isNegative()) {
      throw new IllegalArgumentException("a fault cannot happen before the run starts, got at " + at);
    }
  }

  static Duration positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
    return d;
  }

  static Duration notNegative(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, got " + d);
    }
    return d;
  }

  static double share(String what, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1], got " + v);
    }
    return v;
  }
}

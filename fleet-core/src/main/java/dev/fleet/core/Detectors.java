package dev.fleet.core;

import dev.fleet.core.internal.FixedTimeoutDetector;
import dev.fleet.core.internal.PhiAccrualDetector;
import dev.fleet.spi.FailureDetector;
import java.time.Duration;

/**
 * The failure detectors that ship with Fleet.
 *
 * <p>Every detector returned is immutable and thread-safe.
 */
public final class Detectors {
  private Detectors() {}

  /** Suspect after one fixed silence, offline after a longer one. The default: 15 s and 30 s. */
  public static FailureDetector fixedTimeout(Duration suspectAfter, Duration offlineAfter) {
    return new FixedTimeoutDetector(suspectAfter, offlineAfter);
  }

  /**
   * Phi accrual with Akka's defaults (offline at phi 8, deviation floor 100 ms, 1,000 samples), suspect
   * at phi 3, never holding a pause of up to {@code acceptablePause} against a machine.
   */
  public static FailureDetector phiAccrual(Duration acceptablePause) {
    return PhiAccrualDetector.withAcceptablePause(acceptablePause);
  }

  /** Phi accrual with every parameter given, named as Akka and Pekko name them. */
  public static FailureDetector phiAccrual(double threshold, double suspectThreshold, Duration acceptablePause,
      Duration minStdDeviation, int maxSampleSize) {
    return new PhiAccrualDetector(threshold, suspectThreshold, acceptablePause, minStdDeviation, maxSampleSize);
  }
}

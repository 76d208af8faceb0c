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

  /**
   * Suspect after one fixed silence, offline after a longer one. The builder's default, with three and six
   * heartbeat intervals (15 s and 30 s).
   *
   * @param suspectAfter silence after which a machine is suspect; positive
   * @param offlineAfter silence after which a machine is offline; longer than {@code suspectAfter}
   * @return the detector, named {@code fixed-timeout}
   * @throws IllegalArgumentException if the silences are not positive and increasing; the message gives both
   */
  public static FailureDetector fixedTimeout(Duration suspectAfter, Duration offlineAfter) {
    return new FixedTimeoutDetector(suspectAfter, offlineAfter);
  }

  /**
   * Phi accrual with Akka's defaults (offline at phi 8, deviation floor 100 ms, 1,000 samples), suspect
   * at phi 3, never holding a pause of up to {@code acceptablePause} against a machine.
   *
   * @param acceptablePause a silence beyond the usual heartbeat intervals that is tolerated, e.g. a garbage
   *     collection or a network hiccup; zero or more
   * @return the detector, named {@code phi-accrual}
   * @throws IllegalArgumentException if {@code acceptablePause} is negative
   */
  public static FailureDetector phiAccrual(Duration acceptablePause) {
    return PhiAccrualDetector.withAcceptablePause(acceptablePause);
  }

  /**
   * Phi accrual with every parameter given, named as Akka and Pekko name them. Phi is how unlikely the current
   * silence is given the machine's recent heartbeat intervals, on a log10 scale (phi 3: one chance in 1,000).
   *
   * @param threshold phi at which a machine is offline (Akka: 8)
   * @param suspectThreshold phi at which a machine is suspect; positive and below {@code threshold}
   * @param acceptablePause a silence beyond the usual intervals that is tolerated; zero or more
   * @param minStdDeviation floor on the intervals' deviation, so very regular heartbeats do not make the
   *     detector trigger-happy (Akka: 100 ms); positive
   * @param maxSampleSize heartbeat intervals remembered per machine (Akka: 1,000); at least 2
   * @return the detector, named {@code phi-accrual}
   * @throws IllegalArgumentException if a parameter is out of range; the message gives the bad values
   */
  public static FailureDetector phiAccrual(double threshold, double suspectThreshold, Duration acceptablePause,
      Duration minStdDeviation, int maxSampleSize) {
    return new PhiAccrualDetector(threshold, suspectThreshold, acceptablePause, minStdDeviation, maxSampleSize);
  }
}

package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleet.testing.FakeTicker;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** Converting ticker nanoseconds to wall-clock milliseconds and back, with "never" and saturation kept. */
class TimeBridgeTest {
  private static final long WALL = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
  private final FakeTicker ticker = new FakeTicker(5_000_000_000L);
  private final TimeBridge bridge = new TimeBridge(ticker, InstantSource.fixed(Instant.ofEpochMilli(WALL)));

  @Test
  void aTickerTimeIsTheWallClockLessHowLongAgoItWas() {
    assertEquals(WALL, bridge.wall(5_000_000_000L));
    assertEquals(WALL - 2_000, bridge.wall(3_000_000_000L));
    assertEquals(WALL + 1_500, bridge.wall(6_500_000_000L));
    // The age is floored to whole milliseconds: half a millisecond ago is now, half a millisecond ahead the next.
    assertEquals(WALL, bridge.wall(4_999_500_000L));
    assertEquals(WALL + 1, bridge.wall(5_000_500_000L));
  }

  @Test
  void aWallTimeIsTheTickerNowPlusHowFarAheadItIs() {
    assertEquals(5_000_000_000L, bridge.nanos(WALL));
    assertEquals(8_000_000_000L, bridge.nanos(WALL + 3_000));
    assertEquals(4_000_000_000L, bridge.nanos(WALL - 1_000));
  }

  @Test
  void neverStaysNeverBothWays() {
    assertEquals(Long.MAX_VALUE, bridge.wall(Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, bridge.nanos(Long.MAX_VALUE));
  }

  @Test
  void roundTripsAreExactToTheMillisecond() {
    for (long n : new long[] {0, 1_000_000L, 5_000_000_000L, 123_456_000_000L, -7_000_000L}) {
      assertEquals(n, bridge.nanos(bridge.wall(n)), "nanos " + n);
    }
    ticker.advance(java.time.Duration.ofSeconds(10));
    assertEquals(WALL - 10_000, bridge.wall(5_000_000_000L));
    assertEquals(15_000_000_000L, bridge.nanos(WALL));
  }

  @Test
  void wallTimesCenturiesAwaySaturateInsteadOfWrapping() {
    long limit = Long.MAX_VALUE / 2_000_000L;
    assertEquals(Long.MAX_VALUE, bridge.nanos(WALL + limit + 1));
    assertEquals(5_000_000_000L + limit * 1_000_000L, bridge.nanos(WALL + limit));
    long low = Long.MIN_VALUE / 2_000_000L;
    assertEquals(Long.MIN_VALUE / 2, bridge.nanos(WALL + low - 1));
    assertEquals(5_000_000_000L + low * 1_000_000L, bridge.nanos(WALL + low));
  }
}

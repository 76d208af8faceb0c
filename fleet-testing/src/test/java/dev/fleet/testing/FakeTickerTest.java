package dev.fleet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class FakeTickerTest {

  @Test
  void startsAtZeroByDefault() {
    assertEquals(0L, new FakeTicker().read());
  }

  @Test
  void startsAtTheGivenOrigin() {
    assertEquals(-42L, new FakeTicker(-42L).read());
  }

  @Test
  void advancesByDurationAndByNanos() {
    FakeTicker ticker = new FakeTicker(100L);
    ticker.advance(Duration.ofMillis(2)).advance(5L);
    assertEquals(100L + 2_000_000L + 5L, ticker.read());
  }

  @Test
  void advancingByZeroLeavesTheReading() {
    FakeTicker ticker = new FakeTicker(7L);
    ticker.advance(Duration.ZERO).advance(0L);
    assertEquals(7L, ticker.read());
  }

  @Test
  void refusesNegativeNanosNamingTheValue() {
    FakeTicker ticker = new FakeTicker();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ticker.advance(-3L));
    assertTrue(e.getMessage().contains("-3"), e.getMessage());
    assertEquals(0L, ticker.read());
  }

  @Test
  void refusesNegativeDurationNamingTheValue() {
    FakeTicker ticker = new FakeTicker();
    Duration back = Duration.ofSeconds(-1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ticker.advance(back));
    assertTrue(e.getMessage().contains(back.toString()), e.getMessage());
    assertEquals(0L, ticker.read());
  }

  @Test
  void refusesToOverflow() {
    FakeTicker ticker = new FakeTicker(Long.MAX_VALUE - 1);
    assertThrows(ArithmeticException.class, () -> ticker.advance(2L));
    assertEquals(Long.MAX_VALUE - 1, ticker.read());
  }

  @Test
  void setsForwardAndToTheSameValue() {
    FakeTicker ticker = new FakeTicker(10L);
    ticker.set(10L);
    assertEquals(10L, ticker.read());
    ticker.set(25L);
    assertEquals(25L, ticker.read());
  }

  @Test
  void refusesToSetBackwardsNamingBothValues() {
    FakeTicker ticker = new FakeTicker(500L);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ticker.set(499L));
    assertTrue(e.getMessage().contains("500"), e.getMessage());
    assertTrue(e.getMessage().contains("499"), e.getMessage());
    assertEquals(500L, ticker.read());
  }

  @Test
  void concurrentAdvancesAreNotLost() throws InterruptedException {
    FakeTicker ticker = new FakeTicker();
    int threads = 8;
    int stepsEach = 10_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread worker =
          new Thread(
              () -> {
                awaitQuietly(go);
                for (int s = 0; s < stepsEach; s++) {
                  ticker.advance(1L);
                }
              });
      worker.start();
      workers.add(worker);
    }
    go.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertEquals((long) threads * stepsEach, ticker.read());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package dev.fleet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualExecutorTest {

  private final ManualExecutor executor = new ManualExecutor();
  private final List<String> log = new ArrayList<>();

  @Test
  void holdsRunnablesUntilRunAll() {
    executor.execute(() -> log.add("a"));
    assertEquals(List.of(), log);
    assertEquals(1, executor.pending());
  }

  @Test
  void runAllRunsInSubmissionOrderAndCounts() {
    executor.execute(() -> log.add("a"));
    executor.execute(() -> log.add("b"));
    executor.execute(() -> log.add("c"));

    assertEquals(3, executor.runAll());
    assertEquals(List.of("a", "b", "c"), log);
    assertEquals(0, executor.pending());
    assertEquals(0, executor.runAll());
  }

  @Test
  void runAllAlsoRunsWhatIsSubmittedMeanwhile() {
    executor.execute(
        () -> {
          log.add("first");
          executor.execute(() -> log.add("added"));
        });
    executor.execute(() -> log.add("second"));

    assertEquals(3, executor.runAll());
    assertEquals(List.of("first", "second", "added"), log);
  }

  @Test
  void aThrowingRunnableLeavesTheRestQueued() {
    executor.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    executor.execute(() -> log.add("later"));

    assertThrows(IllegalStateException.class, executor::runAll);
    assertEquals(1, executor.pending());
    assertEquals(1, executor.runAll());
    assertEquals(List.of("later"), log);
  }

  @Test
  void acceptsRunnablesFromOtherThreads() throws InterruptedException {
    Thread other = new Thread(() -> executor.execute(() -> log.add("from other")));
    other.start();
    other.join();

    assertEquals(1, executor.runAll());
    assertEquals(List.of("from other"), log);
  }

  @Test
  void refusesNull() {
    assertThrows(NullPointerException.class, () -> executor.execute(null));
  }
}

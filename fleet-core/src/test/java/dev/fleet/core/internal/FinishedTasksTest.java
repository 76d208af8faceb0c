package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fleet.Payload;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finished tasks are kept up to a count and a payload budget, at the exact edges. */
class FinishedTasksTest {
  private static TaskRecord rec(String id, int payloadBytes, int outputBytes) {
    TaskRecord r = new TaskRecord(Task.newBuilder(id).payload(Payload.text("x".repeat(payloadBytes), "text/plain"))
        .build(), 1, 0, null);
    if (outputBytes >= 0) {
      r.result = TaskResult.success(Payload.text("y".repeat(outputBytes), "text/plain"));
    }
    return r;
  }

  private static void put(FinishedTasks f, TaskRecord r) {
    f.put(r.task.id(), r);
  }

  private static List<String> kept(FinishedTasks f) {
    List<String> out = new ArrayList<>();
    f.inOrder().forEach(r -> out.add(r.task.id().value()));
    return out;
  }

  @Test
  void zeroRetentionKeepsNothingAndANegativeOneIsRefused() {
    FinishedTasks f = new FinishedTasks(0, 100);
    put(f, rec("a", 1, -1));
    assertEquals(List.of(), kept(f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FinishedTasks(-1, 100));
    assertEquals("finished task retention must be >= 0, got -1", e.getMessage());
  }

  @Test
  void exactlyCapacityTasksAreKeptAndTheEldestGoesFirst() {
    FinishedTasks f = new FinishedTasks(2, 1000);
    put(f, rec("a", 1, -1));
    put(f, rec("b", 1, -1));
    assertEquals(List.of("a", "b"), kept(f));
    put(f, rec("c", 1, -1));
    assertEquals(List.of("b", "c"), kept(f));
    assertNull(f.getIfPresent(TaskId.of("a")));
    assertNotNull(f.getIfPresent(TaskId.of("c")));
  }

  @Test
  void payloadAndOutputCountAgainstTheBudgetUpToExactlyIt() {
    FinishedTasks f = new FinishedTasks(10, 13);
    put(f, rec("a", 10, 3));
    put(f, rec("b", 0, -1));
    assertEquals(List.of("a", "b"), kept(f)); // 13 bytes: exactly the budget
    FinishedTasks g = new FinishedTasks(10, 12);
    put(g, rec("a", 10, 3));
    put(g, rec("b", 0, -1));
    assertEquals(List.of("b"), kept(g));
  }

  @Test
  void oneTaskOverTheBudgetIsStillKept() {
    FinishedTasks f = new FinishedTasks(10, 5);
    put(f, rec("a", 9, -1));
    assertEquals(List.of("a"), kept(f));
  }

  @Test
  void anEvictedTasksBytesAreGivenBack() {
    FinishedTasks f = new FinishedTasks(10, 10);
    put(f, rec("a", 6, -1));
    put(f, rec("b", 6, -1));
    assertEquals(List.of("b"), kept(f));
    put(f, rec("c", 4, -1));
    assertEquals(List.of("b", "c"), kept(f));
  }

  @Test
  void aTaskFinishedAgainIsCountedOnceAndBecomesTheMostRecent() {
    FinishedTasks f = new FinishedTasks(10, 15);
    put(f, rec("a", 10, -1));
    put(f, rec("a", 10, -1));
    put(f, rec("b", 5, -1));
    assertEquals(List.of("a", "b"), kept(f));
    put(f, rec("a", 10, -1));
    assertEquals(List.of("b", "a"), kept(f));
  }

  @Test
  void retiredTellsTheHookThenKeepsTheTask() {
    FinishedTasks f = new FinishedTasks(10, 100);
    List<String> told = new ArrayList<>();
    f.onRetired(r -> told.add(r.task.id().value()));
    f.retired(rec("a", 1, -1));
    assertEquals(List.of("a"), told);
    assertEquals(List.of("a"), kept(f));
  }
}

package dev.fleet.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.Decision;
import dev.fleet.Task;
import dev.fleet.TaskId;
import dev.fleet.TaskResult;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.testing.MemoryJournal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dispatcher.tasks(): live and remembered finished tasks, in submission order, across a restart too. */
class TaskListingTest {

  private static List<String> ids(List<TaskStatus> tasks) {
    return tasks.stream().map(s -> s.id().value()).toList();
  }

  private static List<TaskState> states(List<TaskStatus> tasks) {
    return tasks.stream().map(TaskStatus::state).toList();
  }

  @Test
  void listsLiveAndFinishedTasksInSubmissionOrder() {
    try (TestFleet t = new TestFleet()) {
      t.fleet.registry().register(TestFleet.machine("a", "r", "code"));
      t.beat("a", 0.1);
      Decision.Dispatched first = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("first")
          .requires("code").build());
      t.fleet.dispatcher().submit(Task.newBuilder("waits").requires("gpu").build());
      Decision.Dispatched third = (Decision.Dispatched) t.fleet.dispatcher().submit(Task.newBuilder("third")
          .requires("code").build());
      t.fleet.dispatcher().submit(Task.newBuilder("gone").requires("gpu").build());
      t.fleet.dispatcher().started(TaskId.of("third"), third.token());
      t.fleet.dispatcher().complete(TaskId.of("first"), first.token(), TaskResult.success());
      t.fleet.dispatcher().cancel(TaskId.of("gone"));

      List<TaskStatus> all = t.fleet.dispatcher().tasks();
      assertEquals(List.of("first", "waits", "third", "gone"), ids(all), "submission order, finished ones included");
      assertEquals(List.of(TaskState.SUCCEEDED, TaskState.QUEUED, TaskState.RUNNING, TaskState.CANCELLED),
          states(all));
      assertTrue(all.get(1).why().summary().contains("lacks 'gpu'"), all.get(1).why().summary());
      assertEquals(t.fleet.dispatcher().status(TaskId.of("third")).orElseThrow(), all.get(2),
          "each entry is the task's status");
    }
  }

  @Test
  void forgetsTheOldestFinishedTasksBeyondTheRetention() {
    try (TestFleet t = new TestFleet(b -> b.finishedTaskRetention(2))) {
      for (String id : List.of("c1", "c2", "live", "c3")) {
        t.fleet.dispatcher().submit(Task.newBuilder(id).requires("gpu").build());
      }
      for (String id : List.of("c1", "c2", "c3")) {
        t.fleet.dispatcher().cancel(TaskId.of(id));
      }
      assertEquals(List.of("c2", "live", "c3"), ids(t.fleet.dispatcher().tasks()));
    }
  }

  @Test
  void keepsSubmissionOrderAfterARestartFromTheJournal() {
    MemoryJournal journal = new MemoryJournal();
    try (TestFleet t = new TestFleet(b -> b.journal(journal))) {
      for (String id : List.of("z", "y", "x")) {
        t.fleet.dispatcher().submit(Task.newBuilder(id).requires("gpu").build());
      }
      t.fleet.dispatcher().cancel(TaskId.of("z"));
    }
    try (TestFleet t = new TestFleet(b -> b.journal(journal.crash()))) {
      List<TaskStatus> all = t.fleet.dispatcher().tasks();
      assertEquals(List.of("z", "y", "x"), ids(all));
      assertEquals(List.of(TaskState.CANCELLED, TaskState.QUEUED, TaskState.QUEUED), states(all));
    }
  }
}

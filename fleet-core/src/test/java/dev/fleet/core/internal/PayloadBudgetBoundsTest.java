package dev.fleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fleet.Payload;
import dev.fleet.PayloadLimitException;
import dev.fleet.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The payload budget's bounds, exactly at their edges. */
class PayloadBudgetBoundsTest {
  private static Task task(String id, int bytes) {
    return Task.newBuilder(id).payload(bytes == 0 ? Payload.EMPTY : Payload.text("x".repeat(bytes), "text/plain"))
        .build();
  }

  @Test
  void zeroIsAValidLimitForBothAndNegativesAreRefusedNamingTheValue() {
    assertDoesNotThrow(() -> new PayloadBudget(0, 0));
    assertDoesNotThrow(() -> new PayloadBudget(Payload.MAX_BYTES, Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> new PayloadBudget(-1, 0), "-1");
    assertThrows(IllegalArgumentException.class, () -> new PayloadBudget(Payload.MAX_BYTES + 1, 0));
    var e = assertThrows(IllegalArgumentException.class, () -> new PayloadBudget(10, -1));
    assertEquals("maxPayloadBytesHeld must be >= 0, got -1", e.getMessage());
  }

  @Test
  void anEmptyPayloadIsAdmittedEvenWhenWhatIsHeldIsAlreadyOverTheBudget() {
    PayloadBudget b = new PayloadBudget(10, 100);
    assertDoesNotThrow(() -> b.admit(task("e", 0), 200)); // restored from a journal under a higher budget
    assertDoesNotThrow(() -> b.admitAll(List.of(task("e", 0), task("f", 0)), 200, t -> true));
    assertEquals(PayloadLimitException.Limit.HELD, assertThrows(PayloadLimitException.class,
        () -> b.admit(task("one", 1), 100)).limit());
  }

  @Test
  void aBatchCountsOnlyTasksTheFleetDoesNotKnowAndFillsTheBudgetExactly() {
    PayloadBudget b = new PayloadBudget(10, 30);
    List<Task> batch = List.of(task("a", 10), task("known", 10), task("b", 10));
    assertDoesNotThrow(() -> b.admitAll(batch, 10, t -> !t.id().value().equals("known")));
    PayloadLimitException e = assertThrows(PayloadLimitException.class, () -> b.admitAll(batch, 10, t -> true));
    assertEquals("b", e.task().value());
    assertDoesNotThrow(() -> b.admitAll(List.of(task("c", 10)), 20, t -> true), "exactly full is not over");
  }
}

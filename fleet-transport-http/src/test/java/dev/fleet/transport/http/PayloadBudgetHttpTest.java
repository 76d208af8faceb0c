package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.TaskId;
import dev.fleet.TaskState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The payload memory budget over HTTP on loopback: a payload over the limit for one task is 413
 * {@code payload-too-large}; submissions beyond the bytes held for unfinished tasks are 507
 * {@code payload-budget-full}, naming the limit and what is held, until work finishes.
 */
class PayloadBudgetHttpTest {
  private static final int PER_TASK = 64 * 1024;
  private static final long HELD = 1024 * 1024;
  private static final String PROBLEM = "urn:dev.fleet:problem:";

  private static String task(String id, int bytes) {
    return "{\"id\":\"" + id + "\",\"requires\":[\"code\"],\"payload\":{\"text\":\"" + "x".repeat(bytes) + "\"}}";
  }

  private static RawHttp.Reply submit(TestCoordinator t, String... tasks) {
    return t.http.post("/v1/tasks", t.adminToken, "{\"tasks\":[" + String.join(",", tasks) + "]}");
  }

  @Test
  void submissionsMeet507WhenTheBudgetIsFullAndSucceedAgainOnceWorkHasFinished() {
    try (TestCoordinator t = new TestCoordinator(b -> { },
        f -> f.maxPayloadBytes(PER_TASK).maxPayloadBytesHeld(HELD))) {
      String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("m1", "code")).body(), "credential");
      assertEquals(200, t.http.post("/v1/heartbeat", cred, "{\"sequence\":0,\"load\":0.1}").status());
      int fit = (int) (HELD / PER_TASK);
      for (int i = 0; i < fit; i++) {
        RawHttp.Reply ok = submit(t, task("t" + i, PER_TASK));
        assertEquals(200, ok.status(), ok.body());
      }
      RawHttp.Reply full = submit(t, task("over", 1));
      assertEquals(507, full.status(), full.body());
      assertTrue(full.isProblem(), full.contentType());
      assertTrue(full.body().contains("\"type\":\"" + PROBLEM + "payload-budget-full\""), full.body());
      assertTrue(full.body().contains("\"title\":\"Insufficient Storage\""), full.body());
      assertTrue(full.body().contains("from " + HELD + " to " + (HELD + 1) + ", over the budget of " + HELD
          + " bytes"), full.body());
      assertTrue(full.body().contains("Wait for work to finish"), full.body());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("over")).isEmpty(), "nothing was submitted");

      // The machine finishes what it was given.
      Map<String, String> given = assignments(t, cred);
      assertTrue(!given.isEmpty(), "the machine was given work");
      for (Map.Entry<String, String> a : given.entrySet()) {
        RawHttp.Reply done = t.http.post("/v1/tasks/" + a.getKey() + "/result", cred,
            "{\"token\":\"" + a.getValue() + "\",\"succeeded\":true}");
        assertEquals(200, done.status(), done.body());
      }
      // Finished work frees its bytes at once: one more task fits.
      assertEquals(200, submit(t, task("after-results", PER_TASK)).status());
      // The rest is cancelled but for two tasks, whatever state it is in (finished work made room for queued).
      int unfinished = 0;
      for (int i = 0; i < fit; i++) {
        if (!t.fleet.dispatcher().status(TaskId.of("t" + i)).orElseThrow().state().isFinal()) {
          if (unfinished < 1) {
            unfinished++;
          } else {
            assertEquals(200, t.http.post("/v1/tasks/t" + i + "/cancel", t.adminToken, "{}").status());
          }
        }
      }
      // Two tasks' payloads are still held: a batch that needs all the rest and one byte more is refused whole,
      // naming the task that did not fit.
      String[] batch = new String[fit - 1];
      for (int i = 0; i < fit - 2; i++) {
        batch[i] = task("b" + i, PER_TASK);
      }
      batch[fit - 2] = task("b-last", 1);
      RawHttp.Reply tooMany = submit(t, batch);
      assertEquals(507, tooMany.status(), tooMany.body());
      assertTrue(tooMany.body().contains("tasks[" + (fit - 2) + "]: task 'b-last' was refused"), tooMany.body());
      assertTrue(t.fleet.dispatcher().status(TaskId.of("b0")).isEmpty(), "none of the batch was submitted");
      String[] fits = new String[fit - 2];
      System.arraycopy(batch, 0, fits, 0, fit - 2);
      RawHttp.Reply accepted = submit(t, fits);
      assertEquals(200, accepted.status(), accepted.body());
      assertEquals(507, submit(t, task("over", 1)).status());
    }
  }

  @Test
  void aPayloadOverTheLimitForOneTaskIs413AndNothingIsSubmitted() {
    try (TestCoordinator t = new TestCoordinator(b -> { },
        f -> f.maxPayloadBytes(PER_TASK).maxPayloadBytesHeld(HELD))) {
      RawHttp.Reply big = submit(t, task("small", 10), task("big", PER_TASK + 1));
      assertEquals(413, big.status(), big.body());
      assertTrue(big.isProblem(), big.contentType());
      assertTrue(big.body().contains("\"type\":\"" + PROBLEM + "payload-too-large\""), big.body());
      assertTrue(big.body().contains("tasks[1]: the payload of task 'big' is " + (PER_TASK + 1) + " bytes; one "
          + "task's payload may be at most " + PER_TASK + " bytes"), big.body());
      assertTrue(t.fleet.dispatcher().tasks().isEmpty(), "nothing was submitted");
      // The same payload in base64 is the same number of bytes.
      RawHttp.Reply b64 = submit(t, "{\"id\":\"b64\",\"payload\":{\"base64\":\""
          + java.util.Base64.getEncoder().encodeToString(new byte[PER_TASK + 1]) + "\"}}");
      assertEquals(413, b64.status(), b64.body());
      assertEquals(200, submit(t, task("exact", PER_TASK)).status());
    }
  }

  /** What the machine was given: task id to token. */
  private static Map<String, String> assignments(TestCoordinator t, String cred) {
    RawHttp.Reply poll = t.http.get("/v1/assignments?ack=0&waitMillis=2000", cred);
    assertEquals(200, poll.status(), poll.body());
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("\"type\":\"assign\",\"taskId\":\"([^\"]+)\",\"token\":\"([^\"]+)\"")
        .matcher(poll.body());
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }
}

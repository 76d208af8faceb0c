package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: 64 connections that send their headers a byte at a time do not delay a real agent's heartbeats,
 * and are closed when the header timeout passes.
 */
class SlowClientTest {
  static final int SLOW_CLIENTS = 64;
  /** The stated bound: with 64 slow clients, no heartbeat takes longer than this. */
  static final Duration MAX_HEARTBEAT = Duration.ofMillis(250);
  /** And half of them are answered within this. */
  static final Duration MEDIAN_HEARTBEAT = Duration.ofMillis(50);

  @Test
  void slowHeadersDoNotDelayHeartbeats() throws Exception {
    try (TestCoordinator t = new TestCoordinator(b -> b.headerTimeout(Duration.ofMillis(2500)).threads(8), f -> { })) {
      String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("real", "code")).body(), "credential");
      byte[] header = ("POST /v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + cred
          + "\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < SLOW_CLIENTS; i++) {
        Socket s = new Socket("127.0.0.1", t.coordinator.port());
        s.setTcpNoDelay(true);
        sockets.add(s);
      }
      AtomicBoolean stop = new AtomicBoolean();
      int[] closedByServer = {0};
      Thread trickler = new Thread(() -> {
        boolean[] dead = new boolean[SLOW_CLIENTS];
        for (int pos = 0; pos < header.length && !stop.get(); pos++) {
          for (int i = 0; i < SLOW_CLIENTS; i++) {
            if (dead[i]) {
              continue;
            }
            try {
              OutputStream out = sockets.get(i).getOutputStream();
              out.write(header[pos]);
              out.flush();
            } catch (IOException e) {
              dead[i] = true;
              closedByServer[0]++;
            }
          }
          LockSupport.parkNanos(30_000_000L); // one byte per client every 30 ms: headers would take ~8 s
        }
      }, "slowloris");
      trickler.setDaemon(true);
      trickler.start();
      try {
        LockSupport.parkNanos(300_000_000L); // let every slow client get going
        long[] took = new long[40];
        for (int i = 0; i < took.length; i++) {
          long start = System.nanoTime();
          RawHttp.Reply r = t.http.post("/v1/heartbeat", cred, "{\"sequence\":" + (i + 1) + ",\"load\":0.1}");
          took[i] = System.nanoTime() - start;
          assertEquals(200, r.status(), r.body());
          LockSupport.parkNanos(25_000_000L);
        }
        Arrays.sort(took);
        Duration median = Duration.ofNanos(took[took.length / 2]);
        Duration max = Duration.ofNanos(took[took.length - 1]);
        System.out.println("heartbeats beside " + SLOW_CLIENTS + " slow clients: median " + median.toMillis()
            + " ms, max " + max.toMillis() + " ms");
        assertTrue(max.compareTo(MAX_HEARTBEAT) <= 0, "slowest heartbeat took " + max);
        assertTrue(median.compareTo(MEDIAN_HEARTBEAT) <= 0, "median heartbeat took " + median);

        Await.until(Duration.ofSeconds(10), () -> t.coordinator.slowConnectionsClosed() >= SLOW_CLIENTS,
            () -> "closed for slow headers: " + t.coordinator.slowConnectionsClosed());
      } finally {
        stop.set(true);
        trickler.join(5000);
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }
}

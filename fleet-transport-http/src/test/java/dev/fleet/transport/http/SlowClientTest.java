package dev.fleet.transport.http;

import static dev.fleet.transport.http.CoordinatorApiTest.field;
import static dev.fleet.transport.http.CoordinatorApiTest.machineJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Slowloris: 64 connections that send their headers a byte at a time do not delay a real agent's heartbeats,
 * and are closed when the header timeout passes; so is a kept-alive connection that sends one good request and
 * then dribbles the next one's headers, while one that just waits quietly between requests is kept.
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

  /** The header timeout of the keep-alive tests. */
  static final Duration HEADER_TIMEOUT = Duration.ofMillis(1000);
  /** How much later than the header timeout the server may close the connection. */
  static final Duration CLOSE_SLACK = Duration.ofMillis(1500);

  @Test
  void slowHeadersOfALaterRequestOnAKeptAliveConnectionAreCutOff() throws Exception {
    try (TestCoordinator t = new TestCoordinator(b -> b.headerTimeout(HEADER_TIMEOUT), f -> { });
        Socket s = new Socket("127.0.0.1", t.coordinator.port())) {
      String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("kept", "code")).body(), "credential");
      s.setTcpNoDelay(true);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      out.write(heartbeat(cred, 1));
      out.flush();
      assertEquals(200, readResponse(in), "the first request on the connection is answered");
      // Quiet between requests for longer than the header timeout: that is the idle timeout's business.
      LockSupport.parkNanos(HEADER_TIMEOUT.toNanos() * 3 / 2);
      CompletableFuture<Long> closedAt = CompletableFuture.supplyAsync(() -> {
        try {
          int b = in.read();
          return b < 0 ? System.nanoTime() : -1L;
        } catch (IOException e) {
          return System.nanoTime(); // reset by the server
        }
      });
      byte[] second = heartbeat(cred, 2);
      long firstByte = System.nanoTime();
      int sent = 0;
      try {
        for (; sent < second.length - 1 && !closedAt.isDone(); sent++) { // never the last byte
          out.write(second[sent]);
          out.flush();
          LockSupport.parkNanos(20_000_000L); // the whole header would take several seconds
        }
      } catch (IOException e) {
        // the server closed it while we wrote
      }
      long closed = closedAt.get(HEADER_TIMEOUT.plus(CLOSE_SLACK).toMillis() + 10_000, TimeUnit.MILLISECONDS);
      assertTrue(closed > 0, "the server sent something instead of closing the connection");
      Duration after = Duration.ofNanos(closed - firstByte);
      System.out.println("kept-alive connection dribbling its second request's headers closed after "
          + after.toMillis() + " ms (" + sent + " of " + second.length + " bytes sent)");
      assertTrue(sent < second.length - 1, "the whole header but its last byte went through");
      assertTrue(after.compareTo(HEADER_TIMEOUT.multipliedBy(9).dividedBy(10)) >= 0,
          "closed before the header timeout counted from the request's first byte: " + after);
      assertTrue(after.compareTo(HEADER_TIMEOUT.plus(CLOSE_SLACK)) <= 0, "closed only after " + after);
      assertEquals(1, t.coordinator.slowConnectionsClosed());
    }
  }

  @Test
  void aKeptAliveConnectionThatWaitsQuietlyBetweenRequestsIsKept() throws Exception {
    try (TestCoordinator t = new TestCoordinator(b -> b.headerTimeout(HEADER_TIMEOUT), f -> { });
        Socket s = new Socket("127.0.0.1", t.coordinator.port())) {
      String cred = field(t.http.post("/v1/join", t.joinToken, machineJson("quiet", "code")).body(), "credential");
      s.setTcpNoDelay(true);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      for (int i = 1; i <= 3; i++) {
        out.write(heartbeat(cred, i));
        out.flush();
        assertEquals(200, readResponse(in), "request " + i + " on the connection");
        LockSupport.parkNanos(HEADER_TIMEOUT.toNanos() * 2);
      }
      assertEquals(0, t.coordinator.slowConnectionsClosed());
    }
  }

  private static byte[] heartbeat(String credential, int sequence) {
    String body = "{\"sequence\":" + sequence + ",\"load\":0.1}";
    return ("POST /v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + credential
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one HTTP/1.1 response with a Content-Length body; returns its status. */
  static int readResponse(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int length = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed");
      }
      if (b == '\n') {
        String l = line.toString().trim();
        line.setLength(0);
        if (l.isEmpty()) {
          break;
        }
        if (status < 0) {
          status = Integer.parseInt(l.substring(9, 12));
        } else if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Integer.parseInt(l.substring(15).trim());
        }
      } else {
        line.append((char) b);
      }
    }
    for (int i = 0; i < length; i++) {
      if (in.read() < 0) {
        throw new EOFException("body cut short");
      }
    }
    return status;
  }
}

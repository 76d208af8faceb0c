package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Errors the server sends before a request reaches the API (bad request lines, oversized headers or targets, an
 * HTTP/2 preface, methods no route knows) are problem documents with a stable type, like the API's own; a request
 * line with a version other than HTTP/1.0 or HTTP/1.1 is a 400, not Jetty's 505. Sent over raw sockets, as no
 * HTTP client would send them.
 */
class JettyProblemsTest {

  /** A raw answer: status line code, Content-Type and the problem's type. */
  record Answer(int status, String contentType, String type, String raw) {}

  @Test
  void badRequestLinesAre400ProblemsWithAStableType() throws Exception {
    try (TestCoordinator t = new TestCoordinator()) {
      for (String line : new String[] {"GET /v1/ping HTTP/1.x", "GET /v1/ping FOO/1.1", "GET /v1/ping HTTP/9.9",
          "GET /v1/ping", "GET /v1/ping HTTP/1.1 extra"}) {
        Answer a = send(t, line + "\r\nHost: x\r\n\r\n");
        assertProblem(a, 400, line.split(" ").length == 3 && !line.endsWith("extra") ? "bad-request-line" : null);
      }
      assertProblem(send(t, "NONSENSE\r\n\r\n"), 400, "bad-request");
      assertProblem(send(t, "G\u00e9T /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "bad-request");
    }
  }

  @Test
  void jettysOwnRefusalsAreProblemDocuments() throws Exception {
    try (TestCoordinator t = new TestCoordinator()) {
      assertProblem(send(t, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 426, "upgrade-required");
      assertProblem(send(t, "GET /v1/ping HTTP/2.0\r\nHost: x\r\n\r\n"), 426, "upgrade-required");
      assertProblem(send(t, "GET /v1/" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri-too-long");
      assertProblem(send(t, "GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n"), 431,
          "headers-too-large");
      assertProblem(send(t, "GET /v1/ping HTTP/1.1\r\nHost: x\r\nBadHeader\r\n\r\n"), 400, "bad-request");
      assertProblem(send(t, "GET /v1/ping HTTP/1.1\r\n\r\n"), 400, "bad-request");
      assertProblem(send(t, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400, "bad-request");
      assertProblem(send(t, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"), 400,
          "bad-request");
      assertProblem(send(t, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nExpect: 101-nope\r\nContent-Length: 2\r\n\r\n{}"),
          417, "expectation-failed");
      assertProblem(send(t, "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "bad-request");
    }
  }

  @Test
  void everyMethodOnEveryKindOfRouteIsAnsweredWithAProblem() throws Exception {
    try (TestCoordinator t = new TestCoordinator()) {
      for (String method : new String[] {"PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "FOO"}) {
        for (String path : new String[] {"/v1/ping", "/v1/tasks", "/v1/tasks/a/cancel", "/v1/machines/a/drain",
            "/v1/join-token", "/", "/nothing"}) {
          if (method.equals("CONNECT")) {
            continue; // CONNECT takes an authority, not a path; below
          }
          Answer a = send(t, method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
          assertTrue(a.status() >= 400 && a.status() < 500, method + " " + path + ": " + a.raw());
          assertProblem(a, a.status(), null);
        }
      }
      assertProblem(send(t, "CONNECT x:80 HTTP/1.1\r\nHost: x:80\r\n\r\n"), -1, null);
      assertProblem(send(t, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 404, "no-such-endpoint");
    }
  }

  /** Asserts a problem document; status -1 accepts any 4xx, type null any type. */
  private static void assertProblem(Answer a, int status, String type) {
    if (status < 0) {
      assertTrue(a.status() >= 400 && a.status() < 500, a.raw());
    } else {
      assertEquals(status, a.status(), a.raw());
    }
    assertTrue(a.contentType().startsWith("application/problem+json"), a.raw());
    assertTrue(a.type() != null && a.type().startsWith("urn:dev.fleet:problem:"), a.raw());
    assertTrue(a.raw().contains("\"status\":" + a.status()), a.raw());
    if (type != null) {
      assertEquals("urn:dev.fleet:problem:" + type, a.type(), a.raw());
    }
  }

  /** Sends bytes on a new connection and reads the first answer (until the connection closes or it is complete). */
  static Answer send(TestCoordinator t, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", t.coordinator.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (SocketException e) {
        // reset after the answer: what came is what counts
      }
      return parse(out.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static boolean complete(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    Matcher m = Pattern.compile("(?im)^Content-Length:\\s*(\\d+)").matcher(raw.substring(0, end));
    return m.find() && raw.length() - end - 4 >= Integer.parseInt(m.group(1));
  }

  static Answer parse(String raw) {
    Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(raw);
    int code = status.find() ? Integer.parseInt(status.group(1)) : -1;
    int end = raw.indexOf("\r\n\r\n");
    String head = end < 0 ? raw : raw.substring(0, end);
    Matcher ct = Pattern.compile("(?im)^Content-Type:\\s*(.*)$").matcher(head);
    Matcher type = Pattern.compile("\"type\":\"([^\"]*)\"").matcher(end < 0 ? "" : raw.substring(end));
    return new Answer(code, ct.find() ? ct.group(1).trim() : "", type.find() ? type.group(1) : null, raw);
  }
}

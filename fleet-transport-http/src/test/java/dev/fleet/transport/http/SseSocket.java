package dev.fleet.transport.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw {@code GET /v1/events} over a plain socket with HTTP/1.0 (so the body is the stream itself, not chunked),
 * for tests that read a stream block by block, cut it where they like, or never read it. Not thread-safe.
 */
final class SseSocket implements AutoCloseable {
  /** One block: its fields (event, id, data), or a comment. */
  record Block(String event, String id, String data, String comment) {
    boolean isEvent() {
      return data != null && comment == null;
    }
  }

  final Socket socket;
  private BufferedReader in;
  int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  String body;

  private SseSocket(Socket socket) {
    this.socket = socket;
  }

  /** Connects and sends the request; the answer is read by {@link #readHead()}. */
  static SseSocket open(URI coordinator, String credential, String query, String lastEventId, int receiveBuffer) {
    try {
      Socket s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new java.net.InetSocketAddress(coordinator.getHost(), coordinator.getPort()), 5000);
      s.setSoTimeout(30_000);
      String request = "GET /v1/events" + (query == null ? "" : "?" + query) + " HTTP/1.0\r\nHost: "
          + coordinator.getHost() + "\r\nAuthorization: Bearer " + credential + "\r\nAccept: text/event-stream\r\n"
          + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new SseSocket(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SseSocket open(URI coordinator, String credential, String query, String lastEventId) {
    SseSocket s = open(coordinator, credential, query, lastEventId, 0);
    s.readHead();
    return s;
  }

  /** Reads the status line and headers; for a refusal, the body too. */
  SseSocket readHead() {
    try {
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String statusLine = in.readLine();
      status = Integer.parseInt(statusLine.split(" ")[1]);
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      if (status != 200) {
        StringBuilder b = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          b.append(line);
        }
        body = b.toString();
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next block, or null at the end of the stream. */
  Block next() {
    try {
      String event = null;
      String id = null;
      StringBuilder data = null;
      boolean any = false;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (any) {
            return new Block(event, id, data == null ? null : data.toString(), null);
          }
          continue;
        }
        if (line.startsWith(":")) {
          return new Block(null, null, null, line.substring(1).trim());
        }
        any = true;
        int colon = line.indexOf(':');
        String field = line.substring(0, colon);
        String value = line.substring(colon + 1).trim();
        switch (field) {
          case "event" -> event = value;
          case "id" -> id = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> { }
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the stream's opening (a comment, then the block that sets where it starts) and returns that block. */
  Block opening() {
    Block b = next();
    while (b != null && b.comment() != null) {
      b = next();
    }
    return b;
  }

  /** The next {@code n} event blocks (those with data), skipping the opening and pings. */
  List<Block> events(int n) {
    List<Block> out = new ArrayList<>();
    while (out.size() < n) {
      Block b = next();
      if (b == null) {
        throw new AssertionError("the stream ended after " + out.size() + " of " + n + " events: " + out);
      }
      if (b.isEvent()) {
        out.add(b);
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

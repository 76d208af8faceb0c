package dev.fleet.transport.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over one plain socket, kept alive between requests, so a test knows exactly which connection a request
 * travels on: a new one, or one it opened before. Not thread-safe: one request at a time.
 */
final class SocketHttp implements AutoCloseable {
  /** A status and body. */
  record Reply(int status, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** Connects within {@code timeoutMillis}; each later read waits at most as long. */
  SocketHttp(int port, int timeoutMillis) throws IOException {
    this(null, port, timeoutMillis);
  }

  /** The same, from a local address (on Linux any of 127.0.0.0/8), or from any when {@code from} is null. */
  SocketHttp(String from, int port, int timeoutMillis) throws IOException {
    socket = new Socket();
    try {
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMillis);
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  Reply post(String path, String credential, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + credential
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n", body);
  }

  Reply get(String path, String credential) throws IOException {
    return send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + credential
        + "\r\n\r\n", new byte[0]);
  }

  /** {@code GET /v1/ping} without a credential. */
  Reply ping() throws IOException {
    return send("GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", new byte[0]);
  }

  /** Whether the server closes the connection within the read timeout (true), or keeps it open (false). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private Reply send(String head, byte[] body) throws IOException {
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    out.write(all);
    out.flush();
    String status = line();
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    for (String l = line(); !l.isEmpty(); l = line()) {
      String lower = l.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(l.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (chunked) {
      for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
        b.write(in.readNBytes(n));
        line();
      }
      line();
    } else if (length > 0) {
      b.write(in.readNBytes((int) length));
    }
    return new Reply(code, b.toString(StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (c != '\r') {
        s.append((char) c);
      }
    }
    return s.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

package dev.fleet.transport.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flood of connections without a credential, from one thread over non-blocking sockets: it keeps
 * {@code size} connections open, each either idle after one unauthenticated request ({@link Mode#IDLE}) or
 * sending a request's headers a byte at a time and never finishing them ({@link Mode#SLOW}, slowloris). A
 * connection the server closes is opened again, at most {@code reconnectsPerSecond} a second, the way an
 * attacker would keep up the pressure. Everything it opened is closed by {@link #close()}.
 *
 * <p>Thread-safe: the counters may be read from any thread; only its own thread touches the sockets.
 */
final class ConnectionFlood implements AutoCloseable {
  enum Mode { IDLE, SLOW }

  private static final long SLOW_BYTE_EVERY_NANOS = 250_000_000L;

  private final InetSocketAddress server;
  private final Mode mode;
  private final int size;
  private final int reconnectsPerSecond;
  private final byte[] request;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong connected = new AtomicLong();
  private final AtomicLong closedByServer = new AtomicLong();
  private final AtomicLong open = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final Thread thread;
  private volatile Throwable failure;

  ConnectionFlood(int port, Mode mode, int size, int reconnectsPerSecond) {
    this.server = new InetSocketAddress("127.0.0.1", port);
    this.mode = mode;
    this.size = size;
    this.reconnectsPerSecond = reconnectsPerSecond;
    this.request = (mode == Mode.IDLE ? "GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        : "GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(4000))
        .getBytes(StandardCharsets.US_ASCII);
    this.thread = new Thread(this::run, "connection-flood-" + mode);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Connections it established so far, first ones and reconnections. */
  long connected() {
    return connected.get();
  }

  /** Connections on which a response arrived (to the request of {@link Mode#IDLE}): the server took them in. */
  long answered() {
    return answered.get();
  }

  /** Connections the server closed. */
  long closedByServer() {
    return closedByServer.get();
  }

  /** Connections open (or opening) now. */
  long open() {
    return open.get();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(10_000);
    if (thread.isAlive()) {
      throw new IllegalStateException("the flood thread did not stop");
    }
    if (failure != null) {
      throw new IllegalStateException("the flood failed", failure);
    }
  }

  /** What it has sent on one connection. */
  private static final class Progress {
    int sent;
    boolean answered;
  }

  private void run() {
    List<SocketChannel> all = new ArrayList<>();
    ByteBuffer discard = ByteBuffer.allocate(16 * 1024);
    try (Selector selector = Selector.open()) {
      long last = System.nanoTime();
      long nextByte = last;
      double reconnects = 0; // a token bucket: reconnections at a steady rate, in bursts of at most 20 ms' worth
      long first = size;
      while (!stop.get()) {
        long now = System.nanoTime();
        reconnects = Math.min(reconnectsPerSecond / 50.0, reconnects + (now - last) * reconnectsPerSecond / 1e9);
        last = now;
        while (open.get() < size && (first > 0 || reconnects >= 1) && !stop.get()) {
          if (first > 0) {
            first--;
          } else {
            reconnects--;
          }
          SocketChannel c = SocketChannel.open();
          all.add(c);
          c.configureBlocking(false);
          open.incrementAndGet();
          if (c.connect(server)) {
            established(c, selector);
          } else {
            c.register(selector, SelectionKey.OP_CONNECT);
          }
        }
        selector.select(20);
        for (SelectionKey k : selector.selectedKeys()) {
          SocketChannel c = (SocketChannel) k.channel();
          try {
            if (k.isValid() && k.isConnectable()) {
              c.finishConnect();
              established(c, selector);
            } else if (k.isValid() && k.isReadable()) {
              discard.clear();
              int n = c.read(discard);
              if (n < 0) {
                lost(c, all);
              } else if (n > 0 && k.attachment() instanceof Progress p && !p.answered) {
                p.answered = true;
                answered.incrementAndGet();
              }
            }
          } catch (IOException e) {
            lost(c, all);
          }
        }
        selector.selectedKeys().clear();
        if (mode == Mode.SLOW && System.nanoTime() >= nextByte) {
          nextByte = System.nanoTime() + SLOW_BYTE_EVERY_NANOS;
          for (SelectionKey k : new ArrayList<>(selector.keys())) {
            if (k.isValid() && k.attachment() instanceof Progress p && k.interestOps() == SelectionKey.OP_READ
                && p.sent < request.length) {
              SocketChannel c = (SocketChannel) k.channel();
              try {
                p.sent += c.write(ByteBuffer.wrap(request, p.sent, 1));
              } catch (IOException e) {
                lost(c, all);
              }
            }
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      for (SocketChannel c : all) {
        try {
          c.close();
        } catch (IOException ignored) {
          // closing what is left; nothing to do about one that fails
        }
      }
      open.set(0);
    }
  }

  private void established(SocketChannel c, Selector selector) throws IOException {
    connected.incrementAndGet();
    Progress p = new Progress();
    if (mode == Mode.IDLE) {
      ByteBuffer b = ByteBuffer.wrap(request);
      while (b.hasRemaining()) {
        if (c.write(b) == 0) {
          break; // the request is tiny: a full socket buffer on a new connection does not happen
        }
      }
      p.sent = request.length;
    } else {
      p.sent = c.write(ByteBuffer.wrap(request, 0, 20)); // the request line and a little; the rest trickles
    }
    c.register(selector, SelectionKey.OP_READ, p);
  }

  private void lost(SocketChannel c, List<SocketChannel> all) {
    closedByServer.incrementAndGet();
    open.decrementAndGet();
    all.remove(c);
    try {
      c.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}

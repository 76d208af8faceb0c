package dev.fleet.transport.http.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code GET /v1/events} connection, client side: the server-sent event stream parsed into blocks that the
 * caller takes one by one. Lines are read only as fast as the caller takes blocks (a few hundred ahead at most), so
 * a slow caller slows the socket, and the coordinator, not this client's memory, decides when it is too slow.
 *
 * <p>Thread-safe: the HTTP client's threads parse and queue; one caller thread takes.
 */
public final class EventConnection implements AutoCloseable {
  /** Blocks queued for the caller beyond which no more lines are asked for. */
  private static final int HIGH_WATER = 512;
  /** Lines asked for at a time. */
  private static final int BATCH = 256;

  /** What the caller takes from the connection. */
  public sealed interface Item permits Block, Comment, End {}

  /**
   * One block of the stream, dispatched at its blank line.
   *
   * @param event its {@code event} field, or null
   * @param id its {@code id} field, or null
   * @param data its {@code data} lines joined with line breaks, or null if it had none
   */
  public record Block(String event, String id, String data) implements Item {}

  /** A comment line, such as the coordinator's ping: proof the stream is alive. */
  public record Comment(String text) implements Item {}

  /** The stream ended: {@code failure} null if the coordinator ended it, else why it broke or was refused. */
  public record End(Throwable failure) implements Item {}

  private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
  /** Lines asked for and not yet received. */
  private final java.util.concurrent.atomic.AtomicLong demand = new java.util.concurrent.atomic.AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Flow.Subscription subscription;
  private volatile long pingMillis;
  private final CompletableFuture<?> exchange;

  private EventConnection(HttpClient client, HttpRequest request) {
    this.exchange = client.sendAsync(request, info -> {
      if (info.statusCode() != 200) {
        String type = info.headers().firstValue("Content-Type").orElse("");
        return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), body -> {
          items.add(new End(JsonHttp.refusal(info.statusCode(), type, body)));
          return null;
        });
      }
      pingMillis = info.headers().firstValueAsLong("Fleet-Ping-Millis").orElse(0);
      return HttpResponse.BodySubscribers.fromLineSubscriber(new Lines());
    }).whenComplete((r, failure) -> {
      if (failure != null) {
        items.add(new End(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
            : failure));
      }
    });
  }

  /**
   * Opens a stream; the request is on its way when this returns.
   *
   * @param uri the events endpoint with its query
   * @param lastEventId sent as {@code Last-Event-ID}, to resume after it
   * @param timeout how long the coordinator may take to answer with the stream's headers
   */
  public static EventConnection open(HttpClient client, URI uri, String credential, OptionalLong lastEventId,
      Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + credential).GET();
    lastEventId.ifPresent(id -> b.header("Last-Event-ID", Long.toString(id)));
    return new EventConnection(client, b.build());
  }

  /** The next item, or null if none came within {@code wait}. */
  public Item next(Duration wait) throws InterruptedException {
    Item item = items.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    askForMore();
    return item;
  }

  /** The ping interval the coordinator announced, or 0 before its answer (or if it announced none). */
  public long pingMillis() {
    return pingMillis;
  }

  /** Asks for another batch of lines when half the last one came and the caller keeps up; from either side. */
  private void askForMore() {
    Flow.Subscription s = subscription;
    if (s == null || items.size() >= HIGH_WATER || demand.get() >= BATCH / 2) {
      return;
    }
    synchronized (demand) {
      if (demand.get() < BATCH / 2) {
        demand.addAndGet(BATCH);
        s.request(BATCH);
      }
    }
  }

  /** Stops reading and lets the connection go. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      exchange.cancel(true);
    }
  }

  /** Parses lines into blocks, as the server-sent events format has it. */
  private final class Lines implements Flow.Subscriber<String> {
    private String event;
    private String id;
    private StringBuilder data;
    private boolean any;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (closed.get()) {
        s.cancel();
        return;
      }
      askForMore();
    }

    @Override
    public void onNext(String line) {
      if (line.isEmpty()) {
        if (any) {
          items.add(new Block(event, id, data == null ? null : data.toString()));
        }
        event = null;
        id = null;
        data = null;
        any = false;
      } else if (line.charAt(0) == ':') {
        items.add(new Comment(line.substring(1).trim()));
      } else {
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(" ", colon + 1) ? 2 : 1));
        any = true;
        switch (field) {
          case "event" -> event = value;
          case "id" -> id = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> { } // retry, and fields this version does not know
        }
      }
      demand.decrementAndGet();
      askForMore();
    }

    @Override
    public void onError(Throwable failure) {
      items.add(new End(failure));
    }

    @Override
    public void onComplete() {
      items.add(new End(null));
    }
  }
}

package dev.fleet.transport.http.internal;

import dev.fleet.FleetEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * The text of the event stream ({@code text/event-stream}): a fleet event, a {@code gap}, a {@code dropped}
 * notice, a ping comment. Each block is {@code id}, {@code event} and one {@code data} line of compact JSON
 * (which holds no line breaks), then a blank line.
 *
 * <p>Thread-safe: stateless.
 */
final class EventFrames {
  private EventFrames() {}

  /** The comment that keeps an idle stream's connection open through proxies. */
  static final byte[] PING = ascii(": ping\n\n");

  /**
   * Opens a stream: how long a browser's EventSource waits before it reconnects, the id the events that follow come
   * after (a block without data sets a client's last event id and is no event), and what the stream is.
   */
  static byte[] hello(long run, long pingMillis, long startsAfter) {
    return ascii(": fleet events, coordinator run " + run + ", a ping every " + pingMillis + " ms\nretry: 2000\nid: "
        + startsAfter + "\n\n");
  }

  /** A fleet event as the block with the given id. */
  static byte[] event(long id, Instant at, FleetEvent event) {
    Wire.EventDto dto;
    if (event instanceof FleetEvent.TaskChanged t) {
      dto = new Wire.EventDto(Long.toString(id), "task", at.toString(), t.task().value(),
          t.machine().map(m -> m.value()).orElse(null), word(t.from()), word(t.to()), t.attempt(), t.reason());
    } else {
      FleetEvent.HealthChanged h = (FleetEvent.HealthChanged) event;
      dto = new Wire.EventDto(Long.toString(id), "health", at.toString(), null, h.machine().value(), h.from().word(),
          h.to().word(), null, h.reason());
    }
    return block(id, dto.type(), Json.writeString(dto));
  }

  /** Events after {@code lastEventId} were missed; the stream goes on after {@code resumesAfter}. */
  static byte[] gap(String lastEventId, long resumesAfter, Long missed, String reason) {
    return block(resumesAfter, "gap", Json.writeString(new Wire.GapDto(lastEventId, Long.toString(resumesAfter),
        missed, reason)));
  }

  /** The last block of a stream the coordinator gives up on. */
  static byte[] dropped(String reason) {
    return (("event: dropped\ndata: " + Json.writeString(new Wire.DroppedDto(reason)) + "\n\n"))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] block(long id, String type, String json) {
    return ("id: " + id + "\nevent: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String word(Enum<?> state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

package dev.fleet;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The opaque body of a task or a result: bytes and what they are. Fleet never looks inside.
 *
 * <p>Immutable and thread-safe: the bytes are copied in and out.
 *
 * @param bytes the content, at most 16 MiB
 * @param mediaType what the bytes are, e.g. {@code application/json}
 */
public record Payload(byte[] bytes, String mediaType) {
  /** The largest payload accepted. */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  /** No content. */
  public static final Payload EMPTY = new Payload(new byte[0], "application/octet-stream");

  public Payload {
    Objects.requireNonNull(bytes, "payload bytes must not be null");
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("payload is " + bytes.length + " bytes; at most " + MAX_BYTES + " allowed");
    }
    Objects.requireNonNull(mediaType, "mediaType must not be null");
    if (!mediaType.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;.*)?")) {
      throw new IllegalArgumentException("mediaType '" + mediaType + "' is not a media type such as application/json");
    }
    bytes = bytes.clone();
  }

  /** UTF-8 text with the given media type. */
  public static Payload text(String text, String mediaType) {
    return new Payload(text.getBytes(StandardCharsets.UTF_8), mediaType);
  }

  /** A JSON document. */
  public static Payload json(String json) {
    return text(json, "application/json");
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  /** The content read as UTF-8. */
  public String asText() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload p && mediaType.equals(p.mediaType) && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes) + mediaType.hashCode();
  }

  @Override
  public String toString() {
    return "Payload[" + bytes.length + " bytes, " + mediaType + "]";
  }
}

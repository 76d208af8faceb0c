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

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param bytes not null, at most {@link #MAX_BYTES}; copied
   * @param mediaType not null; a media type such as {@code application/json}, parameters allowed
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
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

  /**
   * UTF-8 text with the given media type.
   *
   * @param text the content; not null
   * @param mediaType what it is, e.g. {@code text/plain}
   * @return the payload
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the text is longer than {@link #MAX_BYTES} in UTF-8 or the media type is
   *     not one
   */
  public static Payload text(String text, String mediaType) {
    return new Payload(text.getBytes(StandardCharsets.UTF_8), mediaType);
  }

  /**
   * A JSON document, as {@code application/json}; not parsed or checked.
   *
   * @param json the document; not null
   * @return the payload
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if it is longer than {@link #MAX_BYTES} in UTF-8
   */
  public static Payload json(String json) {
    return text(json, "application/json");
  }

  /**
   * The content.
   *
   * @return a copy of the bytes: changing it changes nothing here
   */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * The content's length, without copying it.
   *
   * @return the number of bytes, 0 to {@link #MAX_BYTES}
   */
  public int size() {
    return bytes.length;
  }

  /**
   * The content read as UTF-8, whatever the media type says.
   *
   * @return the text; malformed bytes read as the replacement character
   */
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

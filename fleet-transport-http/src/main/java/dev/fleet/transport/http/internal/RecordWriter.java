package dev.fleet.transport.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the transport's journal records: a version byte, a kind byte, then the body. Stateless; thread-safe.
 */
final class RecordWriter {
  /** What follows the version and the kind. */
  interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private RecordWriter() {}

  static byte[] record(byte version, byte kind, Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(version);
      out.writeByte(kind);
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }
}

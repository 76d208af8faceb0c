package dev.fleet.core.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Bytes read front to back from a file or a stream, so one frame parser serves both. */
interface ByteSource {

  /** Reads up to {@code len} bytes; -1 at the end. */
  int read(byte[] b, int off, int len) throws IOException;

  /** How many bytes are left, if known (it sizes the read buffer), else -1. */
  default long remaining() throws IOException {
    return -1;
  }

  static ByteSource of(StorageFile file, long from) {
    return new ByteSource() {
      private long at = from;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = file.read(ByteBuffer.wrap(b, off, len), at);
        if (n > 0) {
          at += n;
        }
        return n;
      }

      @Override
      public long remaining() throws IOException {
        return Math.max(0, file.size() - at);
      }
    };
  }

  static ByteSource of(InputStream in) {
    return in::read;
  }
}

package dev.fleet.core.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Bytes read front to back from a file or a stream, so one frame parser serves both. */
interface ByteSource {

  /** Reads up to {@code len} bytes; -1 at the end. */
  int read(byte[] b, int off, int len) throws IOException;

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
    };
  }

  static ByteSource of(InputStream in) {
    return in::read;
  }
}

package dev.fleet.core.internal.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of a {@link Storage}: positional reads and writes, and a force that makes written bytes
 * durable. Used by one thread at a time.
 */
public interface StorageFile extends Closeable {

  /** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at the end of the file. */
  int read(ByteBuffer dst, long position) throws IOException;

  /** Writes all of {@code src} at {@code position}. */
  void write(ByteBuffer src, long position) throws IOException;

  /** Makes every byte written so far durable (the file's data; its size too if it grew). */
  void force() throws IOException;

  /** Cuts the file to {@code size} bytes. */
  void truncate(long size) throws IOException;

  long size() throws IOException;
}

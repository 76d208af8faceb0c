package dev.fleet.core.internal.journal;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The directory a journal lives in, reduced to the few operations the journal needs, so that tests can put
 * a simulated disk that loses power underneath it.
 *
 * <p>Names are plain file names inside the directory. Creating, renaming and deleting are directory changes:
 * they survive a power loss only once {@link #syncDirectory} returns. Implementations are thread-safe.
 */
public interface Storage {

  /** The names of the files in the directory, in no particular order. */
  List<String> list() throws IOException;

  /** Creates a new, empty file; fails if one with that name exists. */
  StorageFile create(String name) throws IOException;

  /** Opens an existing file for reading and writing. */
  StorageFile open(String name) throws IOException;

  /** Atomically gives {@code from} the name {@code to}, replacing any file called {@code to}. */
  void rename(String from, String to) throws IOException;

  /** Deletes the file if it exists. */
  void delete(String name) throws IOException;

  /** Makes every earlier create, rename and delete durable. */
  void syncDirectory() throws IOException;

  /**
   * Takes the directory's exclusive writer lock, released by closing the handle.
   *
   * @return the lock, or {@code null} if another process holds it
   * @throws java.nio.channels.OverlappingFileLockException if this process holds it already
   */
  Closeable lock() throws IOException;

  /** How a message names a file in this directory, such as its absolute path. */
  String describe(String name);

  /** How a message names the directory. */
  String describe();
}

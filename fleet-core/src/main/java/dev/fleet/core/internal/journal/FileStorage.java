package dev.fleet.core.internal.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link Storage} on a real directory through {@link FileChannel}. Thread-safe. */
public final class FileStorage implements Storage {
  private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

  private final Path dir;

  /** The directory is created when the journal first needs it. */
  public FileStorage(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  @Override
  public List<String> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  @Override
  public StorageFile create(String name) throws IOException {
    Files.createDirectories(dir);
    return new Channel(FileChannel.open(dir.resolve(name),
        StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public StorageFile open(String name) throws IOException {
    return new Channel(FileChannel.open(dir.resolve(name), StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    Files.move(dir.resolve(from), dir.resolve(to), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
  }

  @Override
  public void syncDirectory() throws IOException {
    // A directory cannot be opened for force on Windows, where NTFS journals its metadata anyway.
    if (WINDOWS) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (NoSuchFileException e) {
      // Nothing was created yet, so there is nothing to make durable.
    }
  }

  @Override
  public Closeable lock() throws IOException {
    Files.createDirectories(dir);
    FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    return () -> {
      try (channel) {
        lock.release();
      }
    };
  }

  @Override
  public String describe(String name) {
    return dir.resolve(name).toString();
  }

  @Override
  public String describe() {
    return dir.toString();
  }

  private static final class Channel implements StorageFile {
    private final FileChannel channel;

    Channel(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      long at = position;
      while (src.hasRemaining()) {
        at += channel.write(src, at);
      }
    }

    @Override
    public void force() throws IOException {
      // Data only (fdatasync): a grown size is data the next read depends on, so it is flushed too.
      channel.force(false);
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}

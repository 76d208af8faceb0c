package dev.fleet.bench;

import dev.fleet.core.FileJournal;
import dev.fleet.raft.RaftJournal;
import dev.fleet.spi.Journal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One journal of {@link ReplicatedJournalBenchmark}, in a fresh temporary directory on {@code java.io.tmpdir}'s
 * file system, fsync on: {@code file}, the single-node {@link FileJournal}; {@code raft3}, a {@link RaftGroup} of
 * three nodes whose leader's {@link RaftJournal} is the journal. It counts the bytes of the records appended
 * (through a {@link CountingJournal}) and, for {@code raft3}, the bytes the three nodes' Raft logs hold, which
 * {@link JournalBytesProfiler} turns into bytes per op. The file journal's log is not measured that way: it fills
 * segments it preallocated with zeros, so its files do not grow as it writes; its frame format (24 bytes of
 * header per record, docs/journal.md) says what it adds to a record.
 *
 * <p>Threading: created and closed by one thread; {@link #journal} is as thread-safe as a {@link Journal};
 * {@link #logBytes} may be called from any thread.
 */
final class JournalUnderTest implements AutoCloseable {
  /**
   * The journal the running benchmark writes to, for {@link JournalBytesProfiler}; it stays after {@link #close}
   * (JMH tears the trial down inside its last iteration, before the profiler reads the counts).
   */
  static volatile JournalUnderTest current;

  private final Path dir;
  private final List<Path> logDirs;
  private final CountingJournal journal;
  private final RaftGroup group;
  private volatile long logBytesAtClose = -1;

  private JournalUnderTest(Path dir, List<Path> logDirs, Journal journal, RaftGroup group) {
    this.dir = dir;
    this.logDirs = logDirs;
    this.journal = new CountingJournal(journal);
    this.group = group;
  }

  /** A journal of {@code kind} ({@code file} or {@code raft3}), not yet opened. */
  static JournalUnderTest create(String kind) {
    Path dir;
    try {
      dir = Files.createTempDirectory("fleet-replicated-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JournalUnderTest j = switch (kind) {
      case "file" -> {
        Path logDir = dir.resolve("journal");
        yield new JournalUnderTest(dir, List.of(), FileJournal.newBuilder(logDir).build(), null);
      }
      case "raft3" -> {
        RaftGroup group = new RaftGroup(3, dir);
        try {
          yield new JournalUnderTest(dir, group.logDirs(), group.awaitLeader(30_000), group);
        } catch (RuntimeException e) {
          group.close();
          JournalBenchmark.delete(dir);
          throw e;
        }
      }
      default -> throw new IllegalArgumentException("journal must be file or raft3, was '" + kind + "'");
    };
    current = j;
    return j;
  }

  Journal journal() {
    return journal;
  }

  /** The bytes of the records appended so far. */
  long recordBytes() {
    return journal.recordBytes();
  }

  /** The bytes in the three Raft nodes' log directories now (when closed: as they were); -1 for the file journal. */
  long logBytes() {
    if (group == null) {
      return -1;
    }
    if (logBytesAtClose >= 0) {
      return logBytesAtClose;
    }
    long sum = 0;
    for (Path d : logDirs) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(d)) {
        sum += files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      } catch (IOException | UncheckedIOException e) {
        return -1; // a file went away while we walked (a snapshot truncating a log): no figure this time
      }
    }
    return sum;
  }

  /** Closes the journal (the fleet may have closed it already: closing twice is allowed), then the group. */
  @Override
  public void close() {
    journal.close();
    if (group != null) {
      group.close();
      logBytesAtClose = logBytes();
    }
    JournalBenchmark.delete(dir);
  }
}

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
 * three nodes whose leader's {@link RaftJournal} is the journal. It also counts the bytes the journal's log
 * files hold (all three nodes' for {@code raft3}), which {@link JournalBytesProfiler} turns into bytes per op.
 *
 * <p>Threading: created and closed by one thread; {@link #journal} is as thread-safe as a {@link Journal};
 * {@link #logBytes} may be called from any thread.
 */
final class JournalUnderTest implements AutoCloseable {
  /** The journal the running benchmark writes to, for {@link JournalBytesProfiler}; null between trials. */
  static volatile JournalUnderTest current;

  private final Path dir;
  private final List<Path> logDirs;
  private final Journal journal;
  private final RaftGroup group;

  private JournalUnderTest(Path dir, List<Path> logDirs, Journal journal, RaftGroup group) {
    this.dir = dir;
    this.logDirs = logDirs;
    this.journal = journal;
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
        yield new JournalUnderTest(dir, List.of(logDir), FileJournal.newBuilder(logDir).build(), null);
      }
      case "raft3" -> {
        RaftGroup group = new RaftGroup(3, dir);
        yield new JournalUnderTest(dir, group.logDirs(), group.awaitLeader(30_000), group);
      }
      default -> throw new IllegalArgumentException("journal must be file or raft3, was '" + kind + "'");
    };
    current = j;
    return j;
  }

  Journal journal() {
    return journal;
  }

  /** The bytes in the journal's log directories now (every node's, for a Raft group). */
  long logBytes() {
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
    current = null;
    journal.close();
    if (group != null) {
      group.close();
    }
    JournalBenchmark.delete(dir);
  }
}

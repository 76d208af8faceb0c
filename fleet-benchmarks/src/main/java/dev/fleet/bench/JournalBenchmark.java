package dev.fleet.bench;

import dev.fleet.core.FileJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The file journal alone, fsync on, in a temporary directory (on the file system of {@code java.io.tmpdir}):
 * {@link #appendSync64} is 64 threads each appending a ~150-byte record and waiting for it to be durable
 * (group commit shares the fsyncs; score = durable records/s); {@link #batchOf100} is one thread appending
 * 100 records and syncing once (score = records/s); {@link #replay} opens a journal of {@code records}
 * records of ~150 bytes and replays them all (score = seconds per replay).
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class JournalBenchmark {

  static final int RECORD_BYTES = 150;
  static final int BATCH = 100;

  /** An open journal in a fresh temporary directory. */
  @State(Scope.Benchmark)
  public static class Open {
    Path dir;
    FileJournal journal;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("fleet-journal-bench");
      journal = FileJournal.newBuilder(dir).build();
      journal.open(r -> {});
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      journal.close();
      delete(dir);
    }
  }

  /** Each thread's record (the journal copies it, so one per thread is enough). */
  @State(Scope.Thread)
  public static class Record {
    final byte[] bytes = new byte[RECORD_BYTES];
  }

  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void appendSync64(Open open, Record record) {
    open.journal.sync(open.journal.append(record.bytes));
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(BATCH)
  public void batchOf100(Open open, Record record) {
    long last = 0;
    for (int i = 0; i < BATCH; i++) {
      last = open.journal.append(record.bytes);
    }
    open.journal.sync(last);
  }

  /** A journal directory holding {@code records} synced records. */
  @State(Scope.Benchmark)
  public static class Written {
    @Param({"1000000"})
    public int records;

    Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("fleet-journal-replay");
      byte[] record = new byte[RECORD_BYTES];
      try (FileJournal journal = FileJournal.newBuilder(dir).build()) {
        journal.open(r -> {});
        for (int i = 0; i < records; i++) {
          record[i % RECORD_BYTES] = (byte) i;
          long position = journal.append(record);
          if (position % 10_000 == 0) {
            journal.sync(position);
          }
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      delete(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long replay(Written written, Blackhole hole) {
    long[] count = {0};
    try (FileJournal journal = FileJournal.newBuilder(written.dir).build()) {
      journal.open(r -> {
        hole.consume(r);
        count[0]++;
      });
    }
    if (count[0] != written.records) {
      throw new IllegalStateException("replayed " + count[0] + " of " + written.records + " records");
    }
    return count[0];
  }

  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

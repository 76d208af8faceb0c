package dev.fleet.core;

import static dev.fleet.core.JournalPowerLossProperties.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.core.internal.journal.FileStorage;
import dev.fleet.core.internal.journal.SimulatedDisk;
import dev.fleet.core.internal.journal.Storage;
import dev.fleet.core.internal.journal.StorageFile;
import dev.fleet.spi.JournalException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Fail-stop after an injected write or fsync error, and group commit under many concurrent syncs. */
class JournalFailStopTest {

  @TempDir
  Path dir;

  private static FileJournal on(Storage storage) {
    return FileJournal.newBuilder(Path.of("simulated")).segmentBytes(1 << 20).storage(storage).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"force", "write"})
  void anInjectedIoErrorStopsTheJournalAndNothingAcknowledgedIsLost(String failing) {
    SimulatedDisk disk = new SimulatedDisk();
    FileJournal journal = on(disk);
    journal.open(r -> {});
    List<byte[]> acknowledged = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      acknowledged.add(record(i, 50));
      journal.append(record(i, 50));
    }
    journal.sync(3);
    journal.append(record(4, 50));
    disk.failNext(failing);
    JournalException e = assertThrows(JournalException.class, () -> journal.sync(4));
    assertTrue(e.getMessage().contains("sim:/") && e.getMessage().contains("accepts no more writes"),
        e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("injected " + failing), e.getCause().getMessage());
    assertSame(e, journal.failure().orElseThrow());
    assertSame(e, assertThrows(JournalException.class, () -> journal.append(record(5, 50))));
    assertSame(e, assertThrows(JournalException.class, () -> journal.sync(1)));
    assertSame(e, assertThrows(JournalException.class, () -> journal.snapshot(3, List.of())));
    journal.close();

    List<byte[]> replayed = new ArrayList<>();
    on(disk.afterPowerLoss(SimulatedDisk.Loss.DROP_UNFORCED, new Random(1))).open(replayed::add);
    assertTrue(replayed.size() >= 3, "replayed " + replayed.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(acknowledged.get(i), replayed.get(i));
    }
  }

  @Test
  void everySyncWaitingOnAFailedBatchThrows() throws Exception {
    SimulatedDisk disk = new SimulatedDisk();
    FileJournal journal = on(disk);
    journal.open(r -> {});
    int threads = 8;
    CyclicBarrier appended = new CyclicBarrier(threads, () -> disk.failNext("force"));
    AtomicInteger threw = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        long position = journal.append(new byte[10]);
        try {
          appended.await(10, TimeUnit.SECONDS);
          journal.sync(position);
        } catch (JournalException e) {
          threw.incrementAndGet();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      thread.start();
      all.add(thread);
    }
    for (Thread thread : all) {
      thread.join(10_000);
    }
    assertEquals(threads, threw.get());
  }

  @Test
  void anFsyncErrorOnRealFilesStopsTheJournalAndReopeningReplaysWhatWasAcknowledged() {
    FailingStorage storage = new FailingStorage(new FileStorage(dir));
    FileJournal journal = FileJournal.newBuilder(dir).storage(storage).build();
    journal.open(r -> {});
    for (int i = 1; i <= 10; i++) {
      journal.append(record(i, 100));
    }
    journal.sync(10);
    journal.append(record(11, 100));
    storage.failForces = true;
    JournalException e = assertThrows(JournalException.class, () -> journal.sync(11));
    assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    assertThrows(JournalException.class, () -> journal.append(record(12, 100)));
    journal.close();

    List<byte[]> replayed = new ArrayList<>();
    try (FileJournal again = FileJournal.newBuilder(dir).build()) {
      again.open(replayed::add);
    }
    assertTrue(replayed.size() >= 10);
    for (int i = 0; i < 10; i++) {
      assertArrayEquals(record(i + 1, 100), replayed.get(i));
    }
  }

  @Test
  void concurrentSyncsShareForces() throws Exception {
    SimulatedDisk disk = new SimulatedDisk();
    FileJournal journal = on(disk);
    journal.open(r -> {});
    int threads = 64;
    int rounds = 20;
    journal.sync(journal.append(new byte[1])); // creates and preallocates the segment, with a force of its own
    AtomicReference<CountDownLatch> allAppended = new AtomicReference<>();
    // The first leader of a round holds its force until every thread has appended, as a slow disk would.
    disk.beforeEachForce(() -> {
      try {
        allAppended.get().await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    long forcesBefore = disk.forces();
    CyclicBarrier roundStart = new CyclicBarrier(threads, () -> allAppended.set(new CountDownLatch(threads)));
    AtomicInteger synced = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          for (int r = 0; r < rounds; r++) {
            roundStart.await(10, TimeUnit.SECONDS);
            long position = journal.append(new byte[150]);
            allAppended.get().countDown();
            journal.sync(position);
            synced.incrementAndGet();
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      thread.start();
      all.add(thread);
    }
    for (Thread thread : all) {
      thread.join(30_000);
    }
    assertEquals(threads * rounds, synced.get());
    long forces = disk.forces() - forcesBefore;
    assertTrue(forces <= 2L * rounds, forces + " forces for " + synced.get() + " syncs");
    journal.close();
    int[] replayed = {0};
    on(disk.afterPowerLoss(SimulatedDisk.Loss.DROP_UNFORCED, new Random(2))).open(r -> replayed[0]++);
    assertEquals(threads * rounds + 1, replayed[0]);
  }

  /** Real files whose forces fail once armed, as a dying disk's would. */
  private static final class FailingStorage implements Storage {
    private final Storage real;
    volatile boolean failForces;

    FailingStorage(Storage real) {
      this.real = real;
    }

    @Override
    public List<String> list() throws IOException {
      return real.list();
    }

    @Override
    public StorageFile create(String name) throws IOException {
      return wrap(real.create(name));
    }

    @Override
    public StorageFile open(String name) throws IOException {
      return wrap(real.open(name));
    }

    private StorageFile wrap(StorageFile f) {
      return new StorageFile() {
        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
          return f.read(dst, position);
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
          f.write(src, position);
        }

        @Override
        public void force() throws IOException {
          if (failForces) {
            throw new IOException("fsync: Input/output error (injected)");
          }
          f.force();
        }

        @Override
        public void truncate(long size) throws IOException {
          f.truncate(size);
        }

        @Override
        public long size() throws IOException {
          return f.size();
        }

        @Override
        public void close() throws IOException {
          f.close();
        }
      };
    }

    @Override
    public void rename(String from, String to) throws IOException {
      real.rename(from, to);
    }

    @Override
    public void delete(String name) throws IOException {
      real.delete(name);
    }

    @Override
    public void syncDirectory() throws IOException {
      real.syncDirectory();
    }

    @Override
    public Closeable lock() throws IOException {
      return real.lock();
    }

    @Override
    public String describe(String name) {
      return real.describe(name);
    }

    @Override
    public String describe() {
      return real.describe();
    }
  }
}

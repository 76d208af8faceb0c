package dev.fleet.core;

import static dev.fleet.core.JournalPowerLossProperties.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.JournalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file journal on real files: replay, segments, snapshots, recovery rules, locking, misuse. */
class FileJournalTest {

  @TempDir
  Path dir;

  private FileJournal journal(long segmentBytes) {
    return FileJournal.newBuilder(dir).segmentBytes(segmentBytes).build();
  }

  private List<byte[]> replay(long segmentBytes) {
    List<byte[]> replayed = new ArrayList<>();
    try (FileJournal j = journal(segmentBytes)) {
      j.open(replayed::add);
    }
    return replayed;
  }

  private List<byte[]> write(FileJournal j, int from, int count, int size) {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] r = record(from + i, size);
      records.add(r);
      assertEquals(from + i, j.append(r));
    }
    j.sync(j.position());
    return records;
  }

  private List<Path> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static void assertSameRecords(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "record " + (i + 1));
    }
  }

  @Test
  void replaysWhatWasSyncedInOrderAndClaimsAHigherEpochEachTime() {
    List<byte[]> written;
    try (FileJournal j = journal(1 << 20)) {
      assertEquals(1, j.open(r -> {}));
      written = new ArrayList<>(write(j, 1, 100, 40));
      written.add(new byte[0]);
      j.sync(j.append(new byte[0]));
      assertEquals(101, j.position());
    }
    List<byte[]> replayed = new ArrayList<>();
    try (FileJournal j = journal(1 << 20)) {
      assertEquals(2, j.open(replayed::add));
      assertEquals(101, j.position());
      assertEquals(102, j.append(new byte[] {1}));
    }
    assertSameRecords(written, replayed);
    assertEquals(102, replay(1 << 20).size(), "close syncs what was appended");
  }

  @Test
  void rollsSegmentsAndASnapshotReplacesTheSegmentsItCovers() throws IOException {
    List<byte[]> all = new ArrayList<>();
    try (FileJournal j = journal(1000)) {
      j.open(r -> {});
      for (int batch = 0; batch < 20; batch++) {
        all.addAll(write(j, all.size() + 1, 5, 100));
      }
      assertEquals(10, files(".seg").size(), files(".seg").toString());
      // The state at 60 is recreated by one record that stands for the first 60.
      j.snapshot(30, List.of(new byte[] {30}));
      j.snapshot(60, List.of(new byte[] {60}));
      assertEquals(1, files(".snap").size());
      assertEquals(4, files(".seg").size(), "segments 61.., 71.., 81.., 91.. remain: " + files(".seg"));
    }
    List<byte[]> replayed = replay(1000);
    List<byte[]> expected = new ArrayList<>();
    expected.add(new byte[] {60});
    expected.addAll(all.subList(60, 100));
    assertSameRecords(expected, replayed);
  }

  @Test
  void aSnapshotBeyondTheSyncedRecordsStillReplaysThemAll() {
    try (FileJournal j = journal(1 << 20)) {
      j.open(r -> {});
      write(j, 1, 3, 10);
      j.append(record(4, 10));
      j.append(record(5, 10));
      j.snapshot(5, List.of(new byte[] {5}));
      j.append(record(6, 10));
    }
    List<byte[]> replayed = replay(1 << 20);
    assertSameRecords(List.of(new byte[] {5}, record(6, 10)), replayed);
  }

  @Test
  void aFlippedByteBeforeTheTailFailsOpenNamingFileAndOffset() throws IOException {
    try (FileJournal j = journal(1 << 20)) {
      j.open(r -> {});
      write(j, 1, 50, 100);
    }
    Path segment = files(".seg").get(0);
    byte[] bytes = Files.readAllBytes(segment);
    int frame = 10 * 124; // the 11th frame: 24-byte header + 100-byte payload each
    bytes[frame + 60] ^= 0x10;
    Files.write(segment, bytes);
    JournalException e = assertThrows(JournalException.class, () -> replay(1 << 20));
    assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("byte offset " + frame), e.getMessage());
  }

  @Test
  void damageInAnOlderSegmentFailsOpenEvenAtItsEnd() throws IOException {
    try (FileJournal j = journal(500)) {
      j.open(r -> {});
      for (int i = 0; i < 10; i++) {
        write(j, i * 5 + 1, 5, 100);
      }
    }
    Path first = files(".seg").get(0);
    byte[] bytes = Files.readAllBytes(first);
    Files.write(first, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    JournalException e = assertThrows(JournalException.class, () -> replay(500));
    assertTrue(e.getMessage().contains(first.toString()) && e.getMessage().contains("byte offset "),
        e.getMessage());
  }

  @Test
  void aTornTailIsCutOffAndTheIntactPrefixReplays() throws IOException {
    List<byte[]> written;
    try (FileJournal j = journal(1 << 20)) {
      j.open(r -> {});
      written = write(j, 1, 20, 30);
    }
    Path segment = files(".seg").get(0);
    long dataEnd = 20 * (24 + 30);
    // Half a frame where the next batch would have gone, as a crash in the middle of a write leaves it.
    byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(segment), 40);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(half), dataEnd);
    }
    assertSameRecords(written, replay(1 << 20));
    assertEquals(0, Files.readAllBytes(segment)[(int) dataEnd + 10], "the torn bytes are cleared");
    // The same beyond the preallocated end, then zeros: a file that grew but whose data never arrived.
    Files.write(segment, java.util.Arrays.copyOf(half, 4096), StandardOpenOption.APPEND);
    assertSameRecords(written, replay(1 << 20));
    try (FileJournal j = journal(1 << 20)) {
      j.open(r -> {});
      j.sync(j.append(record(21, 30)));
    }
    List<byte[]> more = new ArrayList<>(written);
    more.add(record(21, 30));
    assertSameRecords(more, replay(1 << 20));
  }

  @Test
  void aSecondJournalOnTheSameDirectoryInThisProcessIsRefused() {
    try (FileJournal first = journal(1 << 20)) {
      first.open(r -> {});
      JournalException e = assertThrows(JournalException.class, () -> journal(1 << 20).open(r -> {}));
      assertTrue(e.getMessage().contains("is in use by another journal in this process"), e.getMessage());
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
      first.sync(first.append(new byte[] {1}));
    }
    assertEquals(1, replay(1 << 20).size(), "the lock is released on close");
  }

  @Test
  void aLockHeldByAnotherChannelIsReportedClearly() throws IOException {
    try (FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      JournalException e = assertThrows(JournalException.class, () -> journal(1 << 20).open(r -> {}));
      assertTrue(e.getMessage().contains("is in use by another"), e.getMessage());
    }
  }

  @Test
  void aJournalDirectoryLockedByAnotherProcessFailsFast() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classes = Path.of(LockHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    Process holder = new ProcessBuilder(java, "-cp", classes, LockHolder.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked true", out.readLine());
      JournalException e = assertThrows(JournalException.class, () -> journal(1 << 20).open(r -> {}));
      assertTrue(e.getMessage().contains(dir + " is in use by another process"), e.getMessage());
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    assertEquals(0, replay(1 << 20).size(), "opens once the other process is gone");
  }

  @Test
  void misuseThrowsWithTheBadValue() {
    FileJournal.Builder b = FileJournal.newBuilder(dir).segmentBytes(100);
    assertTrue(assertThrows(IllegalStateException.class, () -> b.segmentBytes(200)).getMessage().contains("200"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FileJournal.newBuilder(dir).segmentBytes(0))
        .getMessage().contains("0"));
    FileJournal j = b.build();
    assertThrows(IllegalStateException.class, () -> j.append(new byte[1]));
    j.open(r -> {});
    assertThrows(IllegalStateException.class, () -> j.open(r -> {}));
    j.append(new byte[1]);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> j.sync(7)).getMessage().contains("7"));
    j.snapshot(1, List.of());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> j.snapshot(0, List.of())).getMessage()
        .contains("0"));
    j.close();
    JournalException closed = assertThrows(JournalException.class, () -> j.append(new byte[1]));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
  }
}

package dev.fleet.core;

import static dev.fleet.core.JournalPowerLossProperties.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.JournalException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups: written, read back, restored into a new directory, and refused when damaged or misplaced. */
class JournalBackupTest {

  @TempDir
  Path tmp;

  private static final List<byte[]> RECORDS = List.of(record(1, 0), record(2, 150), record(3, 300_000),
      record(4, 1));

  @Test
  void aBackupRoundTripsAndRestoresIntoAJournalThatReplaysExactlyIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FileJournal.writeBackup(out, RECORDS);
    List<byte[]> read = new ArrayList<>();
    assertEquals(4, FileJournal.readBackup(new ByteArrayInputStream(out.toByteArray()), read::add));
    assertSame(RECORDS, read);

    Path backup = tmp.resolve("fleet.backup");
    Files.write(backup, out.toByteArray());
    Path dir = tmp.resolve("restored");
    FileJournal.restore(backup, dir);
    List<byte[]> replayed = new ArrayList<>();
    try (FileJournal j = FileJournal.newBuilder(dir).build()) {
      j.open(replayed::add);
      assertEquals(4, j.position());
      j.sync(j.append(record(5, 10)));
    }
    assertSame(RECORDS, replayed);
    replayed.clear();
    try (FileJournal j = FileJournal.newBuilder(dir).build()) {
      j.open(replayed::add);
    }
    assertEquals(5, replayed.size());
  }

  @Test
  void restoreRefusesADirectoryThatIsNotEmpty() throws Exception {
    Path backup = tmp.resolve("fleet.backup");
    try (var out = Files.newOutputStream(backup)) {
      FileJournal.writeBackup(out, RECORDS);
    }
    Path dir = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(dir.resolve("something"), "x");
    JournalException e = assertThrows(JournalException.class, () -> FileJournal.restore(backup, dir));
    assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()) && e.getMessage().contains("not empty"),
        e.getMessage());
  }

  @Test
  void aDamagedOrCutOffBackupIsRefusedWithItsOffset() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FileJournal.writeBackup(out, RECORDS);
    byte[] bytes = out.toByteArray();
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);
    JournalException e1 = assertThrows(JournalException.class,
        () -> FileJournal.readBackup(new ByteArrayInputStream(cut), r -> {}));
    assertTrue(e1.getMessage().contains("byte offset") && e1.getMessage().contains("trailer"), e1.getMessage());
    byte[] flipped = bytes.clone();
    flipped[32 + 24 + 24 + 70] ^= 1; // inside record 2's payload
    JournalException e2 = assertThrows(JournalException.class,
        () -> FileJournal.readBackup(new ByteArrayInputStream(flipped), r -> {}));
    assertTrue(e2.getMessage().contains("byte offset 56") && e2.getMessage().contains("record 2"),
        e2.getMessage());
    JournalException e3 = assertThrows(JournalException.class,
        () -> FileJournal.readBackup(new ByteArrayInputStream("hello".getBytes()), r -> {}));
    assertTrue(e3.getMessage().contains("header"), e3.getMessage());
    Path bad = tmp.resolve("bad.backup");
    Files.write(bad, flipped);
    assertThrows(JournalException.class, () -> FileJournal.restore(bad, tmp.resolve("new")));
    assertTrue(!Files.exists(tmp.resolve("new")) || Files.list(tmp.resolve("new")).findAny().isEmpty(),
        "nothing is restored from a damaged backup");
  }

  private static void assertSame(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "record " + (i + 1));
    }
  }
}

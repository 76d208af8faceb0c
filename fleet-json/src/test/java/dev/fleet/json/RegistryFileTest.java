package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing registry files and streams. */
class RegistryFileTest {
  @TempDir Path dir;

  private List<Path> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  @Test
  void writeLeavesExactlyTheFileWithItsFullContent() throws IOException {
    Path file = dir.resolve("registry.json");
    List<RegistryEntry> seed = RegistryJson.seed();
    RegistryJson.write(file, seed);
    assertEquals(RegistryJson.write(seed), Files.readString(file));
    assertEquals(List.of(file), filesIn(dir), "no temporary file left behind");
    assertEquals(seed, RegistryJson.read(file));
  }

  @Test
  void writeReplacesAnExistingFileWhole() throws IOException {
    Path file = dir.resolve("registry.json");
    Files.writeString(file, "x".repeat(100_000));
    List<RegistryEntry> one = RegistryJson.seed().subList(0, 1);
    RegistryJson.write(file, one);
    assertEquals(RegistryJson.write(one), Files.readString(file));
    assertEquals(List.of(file), filesIn(dir));
  }

  @Test
  void writeKeepsTheFilesPermissions() throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Path file = dir.resolve("registry.json");
    Files.writeString(file, "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    RegistryJson.write(file, RegistryJson.seed());
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void writeThroughASymlinkKeepsTheLink() throws IOException {
    Path real = dir.resolve("real.json");
    Files.writeString(real, "{}");
    Path link;
    try {
      link = Files.createSymbolicLink(dir.resolve("registry.json"), real);
    } catch (UnsupportedOperationException | IOException e) {
      return;
    }
    RegistryJson.write(link, RegistryJson.seed());
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(RegistryJson.seed(), RegistryJson.read(real));
  }

  @Test
  void formatErrorsInAFileNameTheFile() throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\"machines\": [42]}");
    RegistryFormatException e = assertThrows(RegistryFormatException.class, () -> RegistryJson.read(file));
    assertEquals(file + ": machines[0]: must be an object, got 42", e.getMessage());
    assertEquals("must be an object, got 42", e.problem());
  }

  @Test
  void ioFailuresAreUnchecked() {
    assertThrows(UncheckedIOException.class, () -> RegistryJson.read(dir.resolve("missing.json")));
    assertThrows(UncheckedIOException.class,
        () -> RegistryJson.write(dir.resolve("no-such-dir").resolve("registry.json"), RegistryJson.seed()));
  }

  @Test
  void readingAStreamLeavesItOpen() {
    boolean[] closed = {false};
    InputStream in = new ByteArrayInputStream(Seed.text().getBytes(StandardCharsets.UTF_8)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    assertEquals(RegistryJson.seed(), RegistryJson.read(in));
    assertFalse(closed[0]);
  }

  @Test
  void aStreamThatFailsIsAnIoError() {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk gone");
      }
    };
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RegistryJson.read(failing));
    assertTrue(e.getCause().getMessage().contains("disk gone"));
  }
}

package dev.fleet.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The seed registry file's text, straight from the module's resource. */
final class Seed {
  private Seed() {}

  static String text() {
    try (InputStream in = Seed.class.getResourceAsStream("/dev/fleet/json/seed-registry.json")) {
      if (in == null) {
        throw new IllegalStateException("seed resource missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

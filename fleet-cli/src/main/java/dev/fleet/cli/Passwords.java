package dev.fleet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A password given one way only: on the command line or from the environment or config file ({@code --x-password},
 * {@code FLEET_..._PASSWORD}), or from a file ({@code --x-password-file}). The last two keep it out of {@code ps}.
 *
 * <p>Thread-safe: stateless.
 */
final class Passwords {
  private Passwords() {}

  /**
   * The password from {@code value} or from {@code file}; empty if neither is given.
   *
   * @throws IllegalArgumentException naming both sources if both are given, or naming the file if it cannot be read
   */
  static String resolve(CommandSpec spec, String option, String value, String fileOption, Path file) {
    if (value != null && file != null) {
      throw new IllegalArgumentException("give the password once: both " + SettingsDefaults.source(spec, option)
          + " and " + SettingsDefaults.source(spec, fileOption) + " (" + file + ") are set; drop one");
    }
    if (file == null) {
      return value == null ? "" : value;
    }
    try {
      // Only the line end goes: a password may start or end with a space.
      return Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the password file " + file + " (from "
          + SettingsDefaults.source(spec, fileOption) + "): " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }
}

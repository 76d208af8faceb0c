package dev.fleet.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads sizes as people write them: a number of bytes ({@code 65536}), or with a binary unit ({@code 64KiB},
 * {@code 1MiB}, {@code 2GiB}; the case of the unit does not matter).
 *
 * <p>Thread-safe: stateless.
 */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (v.endsWith("kib")) {
      unit = 1L << 10;
    } else if (v.endsWith("mib")) {
      unit = 1L << 20;
    } else if (v.endsWith("gib")) {
      unit = 1L << 30;
    }
    String digits = unit == 1 ? v : v.substring(0, v.length() - 3).trim();
    try {
      long n = Long.parseLong(digits);
      if (n >= 0 && n <= Long.MAX_VALUE / unit) {
        return n * unit;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new CommandLine.TypeConversionException("'" + value + "' is not a size such as 65536, 64KiB, 1MiB or 1GiB");
  }
}

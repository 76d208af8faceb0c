package dev.fleet;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a machine is made of, as its owner wrote it: RAM ("64GB"), chip, GPU, cores and anything else.
 *
 * <p>Fields the owner did not give stay empty, so a registry file is written back exactly as it was
 * read. Immutable and thread-safe.
 *
 * @param ram RAM as written, e.g. {@code "64GB"}; see {@link #ramBytes()}
 * @param chip processor name, e.g. {@code "M3 Max"}
 * @param gpu whether the machine has a usable GPU
 * @param cores number of CPU cores, at least 1 when present
 * @param extra any other facts, in the order given
 */
public record Specs(
    Optional<String> ram,
    Optional<String> chip,
    Optional<Boolean> gpu,
    OptionalInt cores,
    Map<String, String> extra) {

  /** Specs with nothing known. */
  public static final Specs NONE =
      new Specs(Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty(), Map.of());

  private static final Pattern SIZE = Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)I?B?\\s*");

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param ram not null; empty, or a size such as {@code 64GB} or {@code 512MB}
   * @param chip not null; empty, or at most 200 characters
   * @param gpu not null; empty if unknown
   * @param cores not null; empty, or 1 or more
   * @param extra not null, no empty key, no null value; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public Specs {
    Objects.requireNonNull(ram, "ram must not be null (use Optional.empty())");
    Objects.requireNonNull(chip, "chip must not be null (use Optional.empty())");
    Objects.requireNonNull(gpu, "gpu must not be null (use Optional.empty())");
    Objects.requireNonNull(cores, "cores must not be null (use OptionalInt.empty())");
    if (cores.isPresent() && cores.getAsInt() < 1) {
      throw new IllegalArgumentException("cores must be >= 1, got " + cores.getAsInt());
    }
    ram.ifPresent(r -> {
      if (!SIZE.matcher(r).matches()) {
        throw new IllegalArgumentException("ram '" + r + "' is not a size such as \"64GB\" or \"512MB\"");
      }
    });
    chip.ifPresent(c -> Checks.text("chip", c, 200));
    extra = Checks.map("specs extra", extra);
  }

  /**
   * The common case of the seed's registry: RAM, chip and GPU, nothing else.
   *
   * @param ram RAM as written, e.g. {@code "64GB"}
   * @param chip processor name, at most 200 characters
   * @param gpu whether the machine has a usable GPU
   * @return the specs
   * @throws NullPointerException if {@code ram} or {@code chip} is null
   * @throws IllegalArgumentException if {@code ram} is not a size or {@code chip} is too long; the message quotes it
   */
  public static Specs of(String ram, String chip, boolean gpu) {
    return new Specs(Optional.of(ram), Optional.of(chip), Optional.of(gpu), OptionalInt.empty(), Map.of());
  }

  /**
   * RAM in bytes, reading K, M, G and T as powers of 1024 (so {@code "64GB"} is 64 GiB).
   *
   * @return the size in bytes, or empty if no RAM was given
   */
  public OptionalLong ramBytes() {
    if (ram.isEmpty()) {
      return OptionalLong.empty();
    }
    Matcher m = SIZE.matcher(ram.get());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    double n = Double.parseDouble(m.group(1));
    int shift = switch (m.group(2).toUpperCase()) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      case "T" -> 40;
      default -> 0;
    };
    return OptionalLong.of((long) (n * (1L << shift)));
  }

  /**
   * Whether the machine has a GPU; unknown counts as no.
   *
   * @return {@code gpu()} if given, else false
   */
  public boolean hasGpu() {
    return gpu.orElse(false);
  }
}

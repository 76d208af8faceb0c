package dev.fleet.json;

import dev.fleet.Health;
import dev.fleet.Machine;
import dev.fleet.MachineId;
import dev.fleet.Specs;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators for registry entries, including awkward text, specs and loads. */
final class RegistryArbitraries {
  private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private RegistryArbitraries() {}

  /** Names as the API allows them: ids, roles, capabilities. */
  static Arbitrary<String> names() {
    Arbitrary<String> first = Arbitraries.strings().withChars(ALNUM).ofLength(1);
    Arbitrary<String> rest = Arbitraries.strings().withChars(ALNUM + "._:-").ofMaxLength(20);
    return Combinators.combine(first, rest).as(String::concat);
  }

  /** Free text with quotes, backslashes, control and non-ASCII characters that JSON must escape. */
  static Arbitrary<String> text(int min, int max) {
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .withChars("\"\\\n\t\u0000\u001féü中😀")
        .ofMinLength(min).ofMaxLength(max);
  }

  static Arbitrary<String> ram() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 4096),
            Arbitraries.of("B", "KB", "MB", "GB", "TB", "G", "gb", "GiB", ""))
        .as((n, unit) -> n + unit);
  }

  static Arbitrary<Specs> specs() {
    Arbitrary<String> extraKeys = text(1, 10).filter(k -> !Fields.SPECS_KNOWN.contains(k));
    return Combinators.combine(
            ram().optional(0.7),
            text(0, 20).optional(0.7),
            Arbitraries.of(true, false).optional(0.7),
            Arbitraries.integers().between(1, 512).optional(0.5),
            Arbitraries.maps(extraKeys, text(0, 10)).ofMaxSize(3))
        .as((ram, chip, gpu, cores, extra) ->
            new Specs(ram, chip, gpu, cores.map(OptionalInt::of).orElse(OptionalInt.empty()), extra));
  }

  static Arbitrary<Machine> machines() {
    return Combinators.combine(
            names(),
            text(1, 40).filter(h -> !h.isBlank()),
            names(),
            names().list().uniqueElements().ofMaxSize(5),
            specs(),
            Arbitraries.maps(text(1, 10), text(0, 10)).ofMaxSize(3))
        .as((id, host, role, caps, specs, labels) ->
            new Machine(MachineId.of(id), host, role, new LinkedHashSet<>(caps), specs, labels));
  }

  /** Any finite load >= 0: everyday two-decimal loads and arbitrary bit patterns, subnormals included. */
  static Arbitrary<Double> loads() {
    Arbitrary<Double> everyday = Arbitraries.doubles().between(0, 2).ofScale(2);
    Arbitrary<Double> anyBits = Arbitraries.longs().greaterOrEqual(0)
        .map(Double::longBitsToDouble)
        .filter(Double::isFinite);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, everyday), net.jqwik.api.Tuple.of(1, anyBits));
  }

  static Arbitrary<Instant> instants() {
    return Combinators.combine(
            Arbitraries.longs().between(-100_000_000_000L, 100_000_000_000L),
            Arbitraries.integers().between(0, 999_999_999).edgeCases(c -> c.add(0)))
        .as(Instant::ofEpochSecond);
  }

  static Arbitrary<RegistryEntry> entries() {
    return Combinators.combine(
            machines(),
            Arbitraries.of(Health.ONLINE, Health.SUSPECT, Health.OFFLINE, Health.ASLEEP, Health.DRAINING),
            instants().optional(0.8),
            loads())
        .as(RegistryEntry::new);
  }

  static Arbitrary<List<RegistryEntry>> registries() {
    return entries().list().ofMaxSize(6).uniqueElements(RegistryEntry::id);
  }
}

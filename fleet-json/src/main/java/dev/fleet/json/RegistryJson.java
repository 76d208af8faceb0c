package dev.fleet.json;

import dev.fleet.MachineStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads and writes the fleet's registry file, {@code {"machines": [...]}}, in the seed's format.
 *
 * <p>Each machine object has {@code id}, {@code hostname}, {@code role}, {@code capabilities} (array of
 * strings, order kept), {@code specs} (object: {@code ram}, {@code chip}, {@code gpu}, {@code cores};
 * any other key is kept as a string extra) and {@code status} (one of {@code online, suspect, offline,
 * asleep, draining}); optionally {@code labels} (object of strings), {@code last_heartbeat} (ISO-8601
 * instant) and {@code current_load} (number {@code >= 0}, default 0), and {@code fleet}, an object of what a
 * running fleet adds about the machine at the moment it wrote the file ({@code GET /v1/registry}), which is
 * checked to be an object and otherwise ignored on reading. An explicit {@code null} counts as absent for
 * optional fields. Any other machine field is an error, so a misspelt field cannot pass silently.
 *
 * <p>Malformed input throws {@link RegistryFormatException} whose message names the place, e.g.
 * {@code machines[1].current_load: must be a number >= 0, got "high"}. I/O failures throw
 * {@link UncheckedIOException}.
 *
 * <p>Thread-safe: stateless, and the Jackson configuration it shares is immutable.
 */
public final class RegistryJson {
  private static final String SEED = "/dev/fleet/json/seed-registry.json";

  private RegistryJson() {}

  /**
   * Reads registry JSON from text.
   *
   * @param json the whole registry document, {@code {"machines": [...]}}
   * @return the entries in the order of the file; immutable
   * @throws NullPointerException if {@code json} is null
   * @throws RegistryFormatException if {@code json} is not a valid registry; the message says where and why
   */
  public static List<RegistryEntry> read(String json) {
    Objects.requireNonNull(json, "json must not be null");
    return RegistryReader.read(() -> Jackson.MAPPER.readTree(json));
  }

  /**
   * Reads a registry file (UTF-8, -16 or -32, detected).
   *
   * @param file the registry file
   * @return the entries in the order of the file; immutable
   * @throws NullPointerException if {@code file} is null
   * @throws RegistryFormatException if the file is not a valid registry; its location starts with the file name
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<RegistryEntry> read(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (RegistryFormatException e) {
      throw e.in(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read registry " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads registry JSON (UTF-8, -16 or -32, detected) from a stream to its end; the stream is left open.
   *
   * @param in the stream to read
   * @return the entries in the order of the document; immutable
   * @throws NullPointerException if {@code in} is null
   * @throws RegistryFormatException if the content is not a valid registry
   * @throws UncheckedIOException if the stream fails
   */
  public static List<RegistryEntry> read(InputStream in) {
    Objects.requireNonNull(in, "in must not be null");
    return RegistryReader.read(() -> Jackson.MAPPER.readTree(in));
  }

  /**
   * The registry JSON for these entries: keys in the seed's order, two-space indent, '\n' line ends and
   * a final newline. Empty labels and an absent heartbeat are left out.
   *
   * @param entries the machines, written in this order
   * @return the registry document, which {@link #read(String)} reads back as {@code entries}
   * @throws IllegalArgumentException if two entries share a machine id, or a specs extra is named like
   *     a specs field, since such a file could not be read back as written
   */
  public static String write(List<RegistryEntry> entries) {
    return RegistryWriter.write(entries);
  }

  /**
   * The registry JSON for these entries as {@link #write(List)} writes it, each machine followed by a
   * {@code fleet} object holding what {@code fleetDetail} gives for it (left out where that is empty): what a
   * running fleet adds, as extra keys that readers of the seed's format pass over. Values may be strings,
   * numbers, booleans, null, and lists and maps of these.
   *
   * @param entries the machines, written in this order
   * @param fleetDetail for each entry, the keys and values of its {@code fleet} object, in the order to write
   *     them; an empty map leaves the object out
   * @return the registry document, which {@link #read(String)} reads back as {@code entries}
   * @throws IllegalArgumentException as {@link #write(List)} does, or if a value cannot be written as JSON
   */
  public static String write(List<RegistryEntry> entries, Function<RegistryEntry, Map<String, ?>> fleetDetail) {
    return RegistryWriter.write(entries, fleetDetail);
  }

  /**
   * Writes registry JSON text (as {@link #write(List)} or {@code GET /v1/registry} gives it) to {@code file}
   * atomically, as {@link #write(Path, List)} does, after reading it through: text that is not a valid registry
   * is refused and the file is left as it was.
   *
   * @param file the registry file to replace or create; its directory must exist
   * @param json the new content, written as given (UTF-8)
   * @throws NullPointerException if {@code file} or {@code json} is null
   * @throws RegistryFormatException if {@code json} is not a valid registry
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void replace(Path file, String json) {
    Objects.requireNonNull(file, "file must not be null");
    read(json);
    try {
      AtomicWrite.replace(file, json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write registry " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the entries to {@code file} atomically: into a temporary file in the same directory, then
   * renamed over it, so a reader never sees a half-written registry.
   *
   * @param file the registry file to replace or create; its directory must exist
   * @param entries the machines, written as {@link #write(List)} writes them
   * @throws NullPointerException if {@code file} or {@code entries} is null
   * @throws IllegalArgumentException as {@link #write(List)} does; the file is then left as it was
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Path file, List<RegistryEntry> entries) {
    Objects.requireNonNull(file, "file must not be null");
    byte[] content = write(entries).getBytes(StandardCharsets.UTF_8);
    try {
      AtomicWrite.replace(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write registry " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The registry entry for a live snapshot: its health, last heartbeat and reported load.
   *
   * @param status one machine's status, as a fleet's registry gives it
   * @return the entry that records it
   * @throws NullPointerException if {@code status} is null
   * @throws IllegalArgumentException if the machine has {@link dev.fleet.Health#LEFT left}
   */
  public static RegistryEntry entry(MachineStatus status) {
    Objects.requireNonNull(status, "status must not be null");
    return new RegistryEntry(status.machine(), status.health(), status.lastHeartbeat(), status.load());
  }

  /**
   * A live fleet's registry, as {@code GET /v1/registry} and {@code fleet coordinator --registry-out} give it:
   * each machine in the seed's format ({@link #entry} of its status, but a machine not heard from since a
   * restart, {@link dev.fleet.Health#UNKNOWN}, is written {@code "suspect"}) followed by a {@code fleet} object
   * with {@code health} (the exact word), {@code effective_load}, {@code active_tasks}, {@code slots_free} (only
   * for a machine that declares slots), {@code registration_order} and {@code signals} ({@code on_battery},
   * {@code battery_percent}, {@code throttled}, {@code owner_idle_seconds}, {@code metrics}; the optional ones
   * only when known). Machines that have {@linkplain dev.fleet.Health#LEFT left} are left out.
   *
   * @param machines as {@link dev.fleet.Registry#list()} gives them
   * @return the registry document, readable by {@link #read(String)} (which checks the {@code fleet} objects
   *     are objects and otherwise passes over them)
   * @throws NullPointerException if {@code machines} is null
   */
  public static String live(List<MachineStatus> machines) {
    Objects.requireNonNull(machines, "machines must not be null");
    return LiveRegistry.write(machines);
  }

  /**
   * The seed's three machines (m3-forge, m4-mirror, gcp-watcher), read from the copy of the seed registry
   * shipped in this module.
   *
   * @return the seed's entries, in the seed's order; immutable
   * @throws IllegalStateException if the resource is missing from the module (a broken jar)
   */
  public static List<RegistryEntry> seed() {
    try (InputStream in = RegistryJson.class.getResourceAsStream(SEED)) {
      if (in == null) {
        throw new IllegalStateException("resource " + SEED + " is missing from the fleet-json jar");
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + SEED, e);
    }
  }
}

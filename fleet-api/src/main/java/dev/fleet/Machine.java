package dev.fleet;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A machine's registration: who it is and what it can do. Its changing state (health, load) lives in
 * {@link MachineStatus}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the machine's stable name
 * @param hostname how to reach it (a DNS name or an address)
 * @param role what the owner uses it for, e.g. {@code primary}, {@code cron}, {@code interface}
 * @param capabilities the kinds of work it can do, e.g. {@code inference}; order kept as given
 * @param specs its hardware as written by the owner
 * @param labels free-form facts. Three are understood here: {@code backup} names the machine that takes
 *     this machine's role-bound work while it is down ({@link #backup()}), {@code form=laptop} marks a
 *     machine that may sleep ({@link #isLaptop()}), and {@code slots} says how many tasks it runs at once
 *     ({@link #slots()}); a fleet may read others (fleet-core reads quiet hours)
 */
public record Machine(
    MachineId id,
    String hostname,
    String role,
    Set<String> capabilities,
    Specs specs,
    Map<String, String> labels) {

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param id not null
   * @param hostname not blank, at most 253 characters
   * @param role a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit
   * @param capabilities not null, each a name: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit; copied
   * @param specs not null; {@link Specs#NONE} if unknown
   * @param labels not null, no empty key, no null value; copied. {@code backup}, if set, is a name other than
   *     this machine's; {@code slots}, if set, a whole number from 1 to {@link #MAX_SLOTS}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range or a label above does not parse; the message
   *     names the machine and the value
   */
  public Machine {
    Objects.requireNonNull(id, "id must not be null");
    Checks.text("hostname of " + id, hostname, 253);
    if (hostname.isBlank()) {
      throw new IllegalArgumentException("hostname of " + id + " must not be blank");
    }
    Checks.name("role of " + id, role);
    capabilities = Checks.names("capability of " + id, capabilities);
    Objects.requireNonNull(specs, "specs of " + id + " must not be null (use Specs.NONE)");
    labels = Checks.map("label of " + id, labels);
    String backup = labels.get(LABEL_BACKUP);
    if (backup != null) {
      Checks.name("backup of " + id, backup);
      if (backup.equals(id.value())) {
        throw new IllegalArgumentException("machine " + id + " cannot be its own backup");
      }
    }
    String slots = labels.get(LABEL_SLOTS);
    if (slots != null) {
      parseSlots(id, slots);
    }
  }

  /** The label naming this machine's backup. */
  public static final String LABEL_BACKUP = "backup";

  /** The label giving the machine's form factor, e.g. {@code laptop}, {@code desktop}, {@code server}. */
  public static final String LABEL_FORM = "form";

  /**
   * The label saying how many tasks the machine runs at once, an integer from 1 to {@link #MAX_SLOTS}: the
   * fleet never has more attempts in flight there, and counts each dispatched task as that share of its load.
   */
  public static final String LABEL_SLOTS = "slots";

  /** The most slots a machine may declare. */
  public static final int MAX_SLOTS = 4096;

  /**
   * The machine that takes work bound to this machine's role while it is down, if it names one.
   *
   * @return the {@code backup} label as an id, or empty if the label is not set
   */
  public java.util.Optional<MachineId> backup() {
    String b = labels.get(LABEL_BACKUP);
    return b == null ? java.util.Optional.empty() : java.util.Optional.of(new MachineId(b));
  }

  /**
   * Whether the owner labelled it a laptop ({@code form=laptop}): a long clean silence may be sleep.
   *
   * @return true if the {@code form} label is {@code laptop}, in any case
   */
  public boolean isLaptop() {
    return "laptop".equalsIgnoreCase(labels.get(LABEL_FORM));
  }

  /**
   * How many tasks it runs at once ({@code slots} label), or empty if it did not say: then only load counts.
   *
   * @return the slots, from 1 to {@link #MAX_SLOTS}, or empty
   */
  public OptionalInt slots() {
    String s = labels.get(LABEL_SLOTS);
    return s == null ? OptionalInt.empty() : OptionalInt.of(parseSlots(id, s));
  }

  /**
   * A copy that runs {@code slots} tasks at once.
   *
   * @param slots how many tasks it may run at once
   * @return a copy with the {@code slots} label set; this one is unchanged
   * @throws IllegalArgumentException unless 1 &lt;= slots &lt;= {@link #MAX_SLOTS}
   */
  public Machine withSlots(int slots) {
    return withLabel(LABEL_SLOTS, Integer.toString(checkSlots(id, slots, Integer.toString(slots))));
  }

  private static int parseSlots(MachineId id, String text) {
    int n;
    try {
      n = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(slotsError(id, text));
    }
    return checkSlots(id, n, text);
  }

  private static int checkSlots(MachineId id, int n, String text) {
    if (n < 1 || n > MAX_SLOTS) {
      throw new IllegalArgumentException(slotsError(id, text));
    }
    return n;
  }

  private static String slotsError(MachineId id, String text) {
    return "slots of " + id + " must be a whole number from 1 to " + MAX_SLOTS + ", got '" + text + "'";
  }

  /**
   * A copy with one label set, replacing any value it had.
   *
   * @param key the label's name; not empty
   * @param value its value; not null
   * @return the copy; this one is unchanged
   * @throws IllegalArgumentException if {@code key} is empty, {@code value} null, or the label is one read here and
   *     does not parse
   */
  public Machine withLabel(String key, String value) {
    java.util.LinkedHashMap<String, String> l = new java.util.LinkedHashMap<>(labels);
    l.put(key, value);
    return new Machine(id, hostname, role, capabilities, specs, l);
  }

  /**
   * A machine with no specs or labels.
   *
   * @param id the machine's name, as for {@link MachineId}
   * @param hostname how to reach it; not blank
   * @param role what it is used for; a valid name, as for {@link MachineId}
   * @param capabilities the kinds of work it can do; order kept
   * @return the registration
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is not valid; the message names it
   */
  public static Machine of(String id, String hostname, String role, Collection<String> capabilities) {
    return new Machine(new MachineId(id), hostname, role, new java.util.LinkedHashSet<>(capabilities), Specs.NONE, Map.of());
  }

  /**
   * Whether it has a capability.
   *
   * @param capability the capability's name
   * @return true if {@link #capabilities()} contains it
   */
  public boolean can(String capability) {
    return capabilities.contains(capability);
  }

  /**
   * A copy with other capabilities (roles and capabilities may rotate at runtime; register the copy with
   * {@link Registry#update}).
   *
   * @param newCapabilities the capabilities, replacing all the old ones; order kept
   * @return the copy; this one is unchanged
   * @throws NullPointerException if {@code newCapabilities} is null
   * @throws IllegalArgumentException if one is not a valid name; the message quotes it
   */
  public Machine withCapabilities(Collection<String> newCapabilities) {
    return new Machine(id, hostname, role, Checks.names("capability of " + id, newCapabilities), specs, labels);
  }

  /**
   * A copy with another role (register the copy with {@link Registry#update}).
   *
   * @param newRole the role; a valid name
   * @return the copy; this one is unchanged
   * @throws NullPointerException if {@code newRole} is null
   * @throws IllegalArgumentException if it is not a valid name; the message quotes it
   */
  public Machine withRole(String newRole) {
    return new Machine(id, hostname, newRole, capabilities, specs, labels);
  }
}

package dev.fleet.transport.http;

import dev.fleet.spi.Ticker;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The probes an agent uses on the system it runs on, chosen by {@code os.name}, and what they cannot see there,
 * for the agent's log:
 *
 * <ul>
 *   <li>Linux: {@link LinuxProbes#cpuBusy CPU busy fraction} and {@code cpu.load1} from {@code /proc},
 *       {@link LinuxProbes#battery battery} and {@link LinuxProbes#thermal heat} from {@code /sys}, and the
 *       owner's idle time from logind's idle hint or {@code xprintidle}, when either answers.
 *   <li>macOS: {@link MacProbes} ({@code top}, {@code pmset}, {@code ioreg}).
 *   <li>Anything else (Windows, the BSDs): no probes. The coordinator then sees only the agent's own busy
 *       slots: not the owner's load, battery, heat or presence.
 * </ul>
 *
 * <p>Building them takes the first CPU reading (the busy fraction needs an interval) and waits up to two
 * seconds for the first answers of the probes that run commands, so the agent's first heartbeat carries them.
 *
 * <p>Immutable and thread-safe; the probes themselves are thread-safe.
 */
public final class Probes {
  private static final System.Logger LOG = System.getLogger(Probes.class.getName());
  private static final Duration FIRST_ANSWER = Duration.ofSeconds(2);
  private static final List<Path> SYSTEM_TOOLS = List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/bin"),
      Path.of("/sbin"));

  private final String system;
  private final List<Probe> probes;
  private final List<String> notes;

  private Probes(String system, List<Probe> probes, List<String> notes) {
    this.system = system;
    this.probes = List.copyOf(probes);
    this.notes = List.copyOf(notes);
  }

  /**
   * The probes for this machine, reading Linux's {@code /proc} and {@code /sys} at {@code /}. Logs, once, at
   * INFO, which probes it chose and what they cannot read here. Blocks up to about two seconds on Linux and on
   * macOS while the first answers come in (see the class comment).
   *
   * @return the probes, primed; none on a system other than Linux and macOS
   */
  public static Probes forThisMachine() {
    return forThisMachine(Path.of("/"));
  }

  /**
   * The probes for this machine, reading Linux's {@code /proc} and {@code /sys} under {@code root} (ignored
   * elsewhere). Logs, once, at INFO, which probes it chose and what they cannot read here. The system is told by
   * the {@code os.name} property; commands ({@code loginctl}, {@code xprintidle}, {@code top}, {@code pmset},
   * {@code ioreg}) are looked for on the {@code PATH} and then in {@code /usr/bin}, {@code /usr/sbin},
   * {@code /bin} and {@code /sbin}. Blocks up to about two seconds while the first answers come in.
   *
   * @param root the directory {@code proc} and {@code sys} are read under on Linux; {@code /} on a real machine
   * @return the probes, primed; none on a system other than Linux and macOS
   * @throws NullPointerException if {@code root} is null
   */
  public static Probes forThisMachine(Path root) {
    List<Path> path = new ArrayList<>(ProbeCommand.systemPath());
    path.addAll(SYSTEM_TOOLS); // a service's PATH may be short; macOS keeps pmset and ioreg here
    Probes p = forSystem(System.getProperty("os.name", ""), root, path, Clock.systemUTC(), Ticker.system());
    LOG.log(Level.INFO, p.describe());
    for (String note : p.notes) {
      LOG.log(Level.INFO, note);
    }
    return p;
  }

  /** The probes for the system named {@code osName}, finding commands on {@code path}. */
  static Probes forSystem(String osName, Path root, List<Path> path, Clock clock, Ticker ticker) {
    Objects.requireNonNull(osName, "osName");
    Objects.requireNonNull(root, "root");
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("linux")) {
      return linux(osName, root, path, clock, ticker);
    }
    if (os.startsWith("mac") || os.startsWith("darwin")) {
      return mac(osName, path, ticker);
    }
    return new Probes(osName.isBlank() ? "an unknown system" : osName, List.of(), List.of("no probes for "
        + (osName.isBlank() ? "this system" : osName) + ": CPU load, battery, heat and owner idle time are not "
        + "read (probes exist for Linux and macOS); the coordinator sees only this agent's busy slots"));
  }

  private static Probes linux(String osName, Path root, List<Path> path, Clock clock, Ticker ticker) {
    List<String> notes = new ArrayList<>();
    Probe cpu = LinuxProbes.cpuBusy(root);
    try {
      if (cpu.read().equals(Probe.Reading.NONE)) {
        notes.add("CPU load unknown on this machine: " + root.resolve("proc/stat") + " and "
            + root.resolve("proc/loadavg") + " cannot be read");
      }
    } catch (Exception e) {
      notes.add("CPU load unknown on this machine: " + e.getMessage());
    }
    LinuxOwnerIdle idle = new LinuxOwnerIdle(path, clock, ticker);
    String idleSource = idle.describe(FIRST_ANSWER);
    if (!idleSource.startsWith("owner idle time from")) {
      notes.add(idleSource);
    }
    return new Probes(osName, List.of(cpu, LinuxProbes.battery(root), LinuxProbes.thermal(root), idle), notes);
  }

  private static Probes mac(String osName, List<Path> tools, Ticker ticker) {
    List<String> notes = new ArrayList<>();
    List<CommandProbe> probes = new ArrayList<>();
    Optional<Path> top = ProbeCommand.find("top", tools);
    Optional<Path> pmset = ProbeCommand.find("pmset", tools);
    Optional<Path> ioreg = ProbeCommand.find("ioreg", tools);
    top.ifPresentOrElse(t -> probes.add(MacProbes.cpuBusy(t, ticker)),
        () -> notes.add("CPU load unknown on this machine: no top command"));
    pmset.ifPresentOrElse(p -> {
      probes.add(MacProbes.battery(p, ticker));
      probes.add(MacProbes.thermal(p, ticker));
    }, () -> notes.add("battery and heat unknown on this machine: no pmset command"));
    ioreg.ifPresentOrElse(i -> probes.add(MacProbes.ownerIdle(i, ticker)),
        () -> notes.add("owner idle time unknown on this machine: no ioreg command; the coordinator treats the "
            + "owner as away"));
    probes.forEach(p -> p.prime(Duration.ZERO)); // all start at once; the waits below overlap
    probes.forEach(p -> p.prime(FIRST_ANSWER));
    return new Probes(osName, List.copyOf(probes), notes);
  }

  /**
   * The probes, for {@link HttpAgent.Builder#probe}.
   *
   * @return the probes chosen, unmodifiable; empty on a system without built-in probes
   */
  public List<Probe> probes() {
    return probes;
  }

  /**
   * What the probes cannot read on this machine, one sentence each, e.g. {@code "owner idle time unknown on
   * this machine: no logind idle hint and no xprintidle ..."}; empty when they read everything they know of.
   *
   * @return the notes, unmodifiable, each already logged at INFO by {@link #forThisMachine()}
   */
  public List<String> notes() {
    return notes;
  }

  /**
   * One line for the log: the system and the probes chosen for it.
   *
   * @return e.g. {@code "probes for Linux: cpu busy (/proc/stat), battery (/sys/class/power_supply), ..."}, or
   *     {@code "probes for Windows 11: none"}
   */
  public String describe() {
    if (probes.isEmpty()) {
      return "probes for " + system + ": none";
    }
    StringBuilder b = new StringBuilder("probes for ").append(system).append(": ");
    for (int i = 0; i < probes.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(probes.get(i));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}

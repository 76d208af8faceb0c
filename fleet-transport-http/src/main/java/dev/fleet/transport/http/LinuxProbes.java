package dev.fleet.transport.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The built-in probes for Linux, reading {@code /proc} and {@code /sys} under a root directory ({@code /} on a
 * real machine, a fake tree in tests). A file that is missing or unreadable leaves its part of the reading
 * empty, so the same probes run on machines without a battery or thermal zones.
 *
 * <ul>
 *   <li>{@link #cpuBusy}: the busy fraction of all CPUs since the previous reading, from {@code /proc/stat};
 *       metrics {@code cpu.busy} and {@code cpu.load1}. The default.
 *   <li>{@link #cpuLoad}: the 1-minute load average of {@code /proc/loadavg} divided by the cores; metric
 *       {@code cpu.load1}. Not a default any more: a load average counts runnable and waiting threads, so a
 *       busy desktop reads 2 or 3 per core while its CPUs still have room.
 *   <li>{@link #battery}: {@code /sys/class/power_supply/*}: on battery when no mains supply is online and a
 *       battery is discharging (or mains exist and none is online); the lowest battery {@code capacity}.
 *   <li>{@link #thermal}: throttled when a {@code /sys/class/thermal/thermal_zone*} reaches its lowest
 *       {@code passive} (else {@code hot}) trip point, or a CPU's {@code cpufreq/scaling_max_freq} is held
 *       below its {@code cpuinfo_max_freq}; metrics {@code cpu.temp} (hottest zone, °C) and
 *       {@code cpu.freq.ratio} (mean {@code scaling_cur_freq / cpuinfo_max_freq}).
 * </ul>
 *
 * <p>Thread-safe: {@link #cpuBusy} keeps its previous reading under a lock; the others keep no state.
 *
 * @see Probes#forThisMachine() the probes an agent uses by default, for whichever system it runs on
 */
public final class LinuxProbes {
  private LinuxProbes() {}

  /**
   * How busy all CPUs were since the previous reading of this probe, in [0, 1]; the first reading has no
   * interval and reports only the metric {@code cpu.load1}. Each probe keeps its own previous reading, so give
   * each agent its own.
   *
   * @param root the directory {@code proc/stat} and {@code proc/loadavg} are read under; {@code /} on a real
   *     machine
   * @return a new probe; its reading throws {@link IllegalStateException} if {@code proc/stat} or
   *     {@code proc/loadavg} holds something it cannot parse
   * @throws NullPointerException if {@code root} is null
   */
  public static Probe cpuBusy(Path root) {
    return new CpuBusyProbe(root);
  }

  /**
   * The 1-minute load average divided by the cores this JVM sees ({@link Runtime#availableProcessors()}), as
   * {@link #cpuLoad(Path, int)} does.
   *
   * @param root the directory {@code proc/loadavg} is read under; {@code /} on a real machine
   * @return a new probe, without state
   * @throws NullPointerException if {@code root} is null
   */
  public static Probe cpuLoad(Path root) {
    return cpuLoad(root, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The 1-minute load average of {@code proc/loadavg} divided by {@code cores}, as the load (which may exceed
   * 1 on an overloaded machine), with the raw average as metric {@code cpu.load1}. A missing file reads nothing.
   *
   * @param root the directory {@code proc/loadavg} is read under; {@code /} on a real machine
   * @param cores the cores to divide by, at least 1
   * @return a new probe, without state; its reading throws {@link IllegalStateException} if the file does not
   *     start with a number {@code >= 0}
   * @throws NullPointerException if {@code root} is null
   * @throws IllegalArgumentException if {@code cores} is under 1
   */
  public static Probe cpuLoad(Path root, int cores) {
    Objects.requireNonNull(root, "root");
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1, got " + cores);
    }
    Path file = root.resolve("proc/loadavg");
    return named("cpu load average (" + file + ")", () -> {
      Optional<String> text = read(file);
      if (text.isEmpty()) {
        return Probe.Reading.NONE;
      }
      String[] parts = text.get().trim().split("\\s+");
      double load1;
      try {
        load1 = Double.parseDouble(parts[0]);
      } catch (NumberFormatException e) {
        throw new IllegalStateException(file + " does not start with a load average: '" + text.get().trim() + "'");
      }
      if (!(load1 >= 0) || Double.isInfinite(load1)) {
        throw new IllegalStateException(file + " has a load average that is not a number >= 0: " + parts[0]);
      }
      return new Probe.Reading(OptionalDouble.of(load1 / cores), Optional.empty(), OptionalInt.empty(),
          Optional.empty(), Map.of("cpu.load1", load1));
    });
  }

  /**
   * Power source and battery charge, from {@code sys/class/power_supply}: on battery when no mains (or USB)
   * supply is online and a battery discharges or a mains supply exists; the lowest battery's {@code capacity} as
   * the charge. A machine without a battery reads nothing.
   *
   * @param root the directory {@code sys/class/power_supply} is read under; {@code /} on a real machine
   * @return a new probe, without state
   * @throws NullPointerException if {@code root} is null
   */
  public static Probe battery(Path root) {
    Objects.requireNonNull(root, "root");
    Path dir = root.resolve("sys/class/power_supply");
    return named("battery (" + dir + ")", () -> {
      boolean mainsSeen = false;
      boolean mainsOnline = false;
      boolean discharging = false;
      boolean batterySeen = false;
      int lowest = Integer.MAX_VALUE;
      for (Path supply : list(dir, "*")) {
        String type = read(supply.resolve("type")).map(String::trim).orElse("");
        if (type.equalsIgnoreCase("Battery")) {
          batterySeen = true;
          Optional<Integer> capacity = read(supply.resolve("capacity")).flatMap(LinuxProbes::integer);
          if (capacity.isPresent()) {
            lowest = Math.min(lowest, Math.max(0, Math.min(100, capacity.get())));
          }
          String status = read(supply.resolve("status")).map(String::trim).orElse("");
          discharging |= status.equalsIgnoreCase("Discharging");
        } else if (type.equalsIgnoreCase("Mains") || type.toUpperCase(Locale.ROOT).startsWith("USB")) {
          mainsSeen = true;
          mainsOnline |= read(supply.resolve("online")).flatMap(LinuxProbes::integer).orElse(0) == 1;
        }
      }
      if (!batterySeen) {
        return Probe.Reading.NONE;
      }
      boolean onBattery = !mainsOnline && (discharging || mainsSeen);
      return new Probe.Reading(OptionalDouble.empty(), Optional.of(onBattery),
          lowest == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(lowest), Optional.empty(), Map.of());
    });
  }

  /**
   * Heat: thermal zones against their trip points, and CPU frequency caps (see the class comment for the exact
   * rule); metrics {@code cpu.temp} in °C and {@code cpu.freq.ratio}. A machine with neither thermal zones nor
   * {@code cpufreq} reads nothing.
   *
   * @param root the directory {@code sys/class/thermal} and {@code sys/devices/system/cpu} are read under;
   *     {@code /} on a real machine
   * @return a new probe, without state
   * @throws NullPointerException if {@code root} is null
   */
  public static Probe thermal(Path root) {
    Objects.requireNonNull(root, "root");
    Path zones = root.resolve("sys/class/thermal");
    Path cpus = root.resolve("sys/devices/system/cpu");
    return named("heat (" + zones + ", cpufreq)", () -> {
      boolean throttled = false;
      boolean known = false;
      double hottest = Double.NEGATIVE_INFINITY;
      for (Path zone : list(zones, "thermal_zone*")) {
        Optional<Integer> temp = read(zone.resolve("temp")).flatMap(LinuxProbes::integer);
        if (temp.isEmpty()) {
          continue;
        }
        known = true;
        hottest = Math.max(hottest, temp.get() / 1000.0);
        OptionalInt trip = lowestTrip(zone, "passive");
        if (trip.isEmpty()) {
          trip = lowestTrip(zone, "hot");
        }
        if (trip.isPresent() && temp.get() >= trip.getAsInt()) {
          throttled = true;
        }
      }
      double ratioSum = 0;
      int ratios = 0;
      for (Path cpu : list(cpus, "cpu[0-9]*")) {
        Path freq = cpu.resolve("cpufreq");
        Optional<Integer> max = read(freq.resolve("cpuinfo_max_freq")).flatMap(LinuxProbes::integer);
        if (max.isEmpty() || max.get() <= 0) {
          continue;
        }
        known = true;
        Optional<Integer> cap = read(freq.resolve("scaling_max_freq")).flatMap(LinuxProbes::integer);
        if (cap.isPresent() && cap.get() < max.get()) {
          throttled = true;
        }
        Optional<Integer> cur = read(freq.resolve("scaling_cur_freq")).flatMap(LinuxProbes::integer);
        if (cur.isPresent()) {
          ratioSum += (double) cur.get() / max.get();
          ratios++;
        }
      }
      if (!known) {
        return Probe.Reading.NONE;
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (hottest > Double.NEGATIVE_INFINITY) {
        metrics.put("cpu.temp", hottest);
      }
      if (ratios > 0) {
        metrics.put("cpu.freq.ratio", ratioSum / ratios);
      }
      return new Probe.Reading(OptionalDouble.empty(), Optional.empty(), OptionalInt.empty(), Optional.of(throttled),
          metrics);
    });
  }

  /**
   * CPU busy fraction, battery and heat under one root: {@link #cpuBusy}, {@link #battery} and {@link #thermal}.
   * Not the owner's idle time, which {@link Probes#forThisMachine()} adds where logind or {@code xprintidle}
   * answers.
   *
   * @param root the directory {@code /proc} and {@code /sys} are read under; {@code /} on a real machine
   * @return three new probes, in that order
   * @throws NullPointerException if {@code root} is null
   */
  public static List<Probe> all(Path root) {
    return List.of(cpuBusy(root), battery(root), thermal(root));
  }

  /** A probe whose {@code toString}, which the agent logs when it fails, says what it reads. */
  private static Probe named(String name, Probe probe) {
    return new Probe() {
      @Override
      public Reading read() throws Exception {
        return probe.read();
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  private static OptionalInt lowestTrip(Path zone, String type) {
    int lowest = Integer.MAX_VALUE;
    for (Path t : list(zone, "trip_point_*_type")) {
      if (!read(t).map(String::trim).orElse("").equalsIgnoreCase(type)) {
        continue;
      }
      String name = t.getFileName().toString();
      Path temp = zone.resolve(name.substring(0, name.length() - "type".length()) + "temp");
      Optional<Integer> v = read(temp).flatMap(LinuxProbes::integer);
      if (v.isPresent() && v.get() > 0) {
        lowest = Math.min(lowest, v.get());
      }
    }
    return lowest == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(lowest);
  }

  /** The file's first 64 KiB, or empty when it is missing or unreadable. */
  static Optional<String> read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      byte[] b = Files.readAllBytes(file);
      return Optional.of(new String(b, 0, Math.min(b.length, 65536), StandardCharsets.UTF_8));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  private static Optional<Integer> integer(String text) {
    try {
      return Optional.of(Integer.parseInt(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static List<Path> list(Path dir, String glob) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(out::add);
    } catch (IOException | SecurityException e) {
      return out;
    }
    out.sort(null);
    return out;
  }
}

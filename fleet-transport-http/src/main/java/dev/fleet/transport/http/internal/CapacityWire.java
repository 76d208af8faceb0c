package dev.fleet.transport.http.internal;

import dev.fleet.CapacityFinding;
import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/capacity?window=24h}: reads the window, asks the fleet for its capacity report and maps it to
 * and from {@link Wire.CapacityDto}.
 *
 * <p>Thread-safe: stateless.
 */
public final class CapacityWire {
  /** The window when the query names none. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

  private CapacityWire() {}

  static Wire.CapacityDto report(Fleet fleet, Fields query) {
    for (String name : query.getNames()) {
      if (!name.equals("window")) {
        throw Problem.badRequest("unknown query parameter '" + WireMapping.abbreviate(name)
            + "'; GET /v1/capacity takes only 'window'");
      }
    }
    List<String> values = query.getValues("window");
    if (values != null && values.size() > 1) {
      throw Problem.badRequest("query parameter 'window' given " + values.size() + " times; give it once");
    }
    Duration window = values == null || values.isEmpty() ? DEFAULT_WINDOW : window(values.get(0));
    return dto(fleet.capacity(window));
  }

  /** A positive duration written {@code 30m}, {@code 24h}, {@code 7d}, {@code 90s} or ISO-8601 ({@code PT24H}). */
  public static Duration window(String text) {
    Duration d = parse(text.trim());
    if (d == null || d.isNegative() || d.isZero()) {
      throw Problem.badRequest("query parameter 'window' must be a positive duration such as 30m, 24h or 7d, got '"
          + WireMapping.abbreviate(text) + "'");
    }
    return d;
  }

  private static Duration parse(String v) {
    try {
      if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (v.length() < 2) {
        return null;
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> null;
      };
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Wire.CapacityDto dto(CapacityReport r) {
    List<Wire.CapacityFindingDto> findings = new ArrayList<>();
    for (CapacityFinding f : r.findings()) {
      findings.add(dto(f));
    }
    List<Wire.CapacityUseDto> uses = new ArrayList<>();
    for (CapacityUse u : r.uses()) {
      uses.add(new Wire.CapacityUseDto(u.name(), u.role(), u.ceilingShare(), u.meanQueue(), u.finished(),
          u.p95Wait().toMillis(), u.p95Run().toMillis(), u.series(),
          u.waitSeries().stream().map(Duration::toMillis).toList()));
    }
    return new Wire.CapacityDto(r.window().toMillis(), r.covered().toMillis(), findings, uses);
  }

  private static Wire.CapacityFindingDto dto(CapacityFinding f) {
    if (f instanceof CapacityFinding.MissingCapability m) {
      return new Wire.CapacityFindingDto("missing-capability", m.sentence(), m.capability(), null, m.tasks(),
          m.waited().toMillis(), null, null, null, null, null, null, null);
    }
    if (f instanceof CapacityFinding.Saturated s) {
      return new Wire.CapacityFindingDto("saturated", s.sentence(), s.name(), s.role(), null, null, s.ceilingShare(),
          s.p95Wait().toMillis(), s.window().toMillis(), null, null, null, null);
    }
    if (f instanceof CapacityFinding.IdleMachine i) {
      return new Wire.CapacityFindingDto("idle-machine", i.sentence(), null, null, null, null, null, null, null,
          i.machine().value(), i.idleShare(), i.fitsOn().map(MachineId::value).orElse(null), null);
    }
    CapacityFinding.PresenceWait p = (CapacityFinding.PresenceWait) f;
    return new Wire.CapacityFindingDto("presence-wait", p.sentence(), null, null, null, p.waited().toMillis(), null,
        null, null, p.machine().value(), null, null, p.reason().name().toLowerCase(Locale.ROOT));
  }

  /** The report a {@link Wire.CapacityDto} carries; a finding of a kind this client does not know is skipped. */
  public static CapacityReport fromDto(Wire.CapacityDto d) {
    List<CapacityFinding> findings = new ArrayList<>();
    for (Wire.CapacityFindingDto f : d.findings() == null ? List.<Wire.CapacityFindingDto>of() : d.findings()) {
      CapacityFinding c = switch (f.kind()) {
        case "missing-capability" -> new CapacityFinding.MissingCapability(f.capability(), f.tasks(),
            Duration.ofMillis(f.waitedMillis()));
        case "saturated" -> new CapacityFinding.Saturated(f.capability(), Boolean.TRUE.equals(f.role()),
            f.ceilingShare(), Duration.ofMillis(f.p95WaitMillis()), Duration.ofMillis(f.windowMillis()));
        case "idle-machine" -> new CapacityFinding.IdleMachine(MachineId.of(f.machine()), f.idleShare(),
            Optional.ofNullable(f.fitsOn()).map(MachineId::of));
        case "presence-wait" -> new CapacityFinding.PresenceWait(MachineId.of(f.machine()),
            Reason.valueOf(f.reason().toUpperCase(Locale.ROOT)), Duration.ofMillis(f.waitedMillis()));
        default -> null;
      };
      if (c != null) {
        findings.add(c);
      }
    }
    List<CapacityUse> uses = new ArrayList<>();
    for (Wire.CapacityUseDto u : d.uses() == null ? List.<Wire.CapacityUseDto>of() : d.uses()) {
      uses.add(new CapacityUse(u.name(), u.role(), u.ceilingShare(), u.meanQueue(), u.finished(),
          Duration.ofMillis(u.p95WaitMillis()), Duration.ofMillis(u.p95RunMillis()), u.series(),
          (u.waitSeriesMillis() == null ? List.<Long>of() : u.waitSeriesMillis()).stream().map(Duration::ofMillis)
              .toList()));
    }
    return new CapacityReport(Duration.ofMillis(d.windowMillis()), Duration.ofMillis(d.coveredMillis()), findings,
        uses);
  }

  static Wire.CapacityWhatIfDto whatIf(Fleet fleet, Wire.CapacityWhatIfRequest r) {
    Duration window = r.windowMillis() == null ? DEFAULT_WINDOW : WireMapping.input(() -> {
      if (r.windowMillis() < 1000) {
        throw new IllegalArgumentException("windowMillis must be at least 1000, got " + r.windowMillis());
      }
      return Duration.ofMillis(r.windowMillis());
    });
    List<dev.fleet.Machine> add = WireMapping.input(() -> machines(r.add()));
    List<MachineId> remove = WireMapping.input(() -> {
      List<MachineId> out = new ArrayList<>();
      for (String id : r.remove() == null ? List.<String>of() : r.remove()) {
        out.add(new MachineId(id));
      }
      return out;
    });
    dev.fleet.CapacityWhatIf w = WireMapping.input(() -> fleet.capacityWhatIf(window, add, remove));
    List<Wire.WhatIfWaitDto> waits = new ArrayList<>();
    for (dev.fleet.CapacityWhatIf.Wait x : w.waits()) {
      waits.add(new Wire.WhatIfWaitDto(x.capability(), x.tasks(), x.before().toMillis(), x.after().toMillis()));
    }
    return new Wire.CapacityWhatIfDto(w.window().toMillis(), w.tasks(),
        w.added().stream().map(m -> m.id().value()).toList(), w.removed().stream().map(MachineId::value).toList(),
        w.sentence(), waits);
  }

  /** The machines a what-if adds, as the request or the command line describes them. */
  public static List<dev.fleet.Machine> machines(List<Wire.WhatIfMachineDto> add) {
    List<dev.fleet.Machine> out = new ArrayList<>();
    int n = 0;
    for (Wire.WhatIfMachineDto d : add == null ? List.<Wire.WhatIfMachineDto>of() : add) {
      n++;
      String id = d.id() == null ? "what-if-" + n : d.id();
      List<String> caps = d.capabilities() == null ? List.of() : d.capabilities();
      dev.fleet.Machine m = new dev.fleet.Machine(new MachineId(id), id, d.role() == null ? "added" : d.role(),
          new java.util.LinkedHashSet<>(caps), dev.fleet.Specs.NONE, java.util.Map.of());
      out.add(d.slots() == null ? m : m.withSlots(d.slots()));
    }
    return out;
  }

  /** The machines a client's what-if adds, as the request describes them. */
  public static List<Wire.WhatIfMachineDto> dtos(List<dev.fleet.Machine> add) {
    List<Wire.WhatIfMachineDto> out = new ArrayList<>();
    for (dev.fleet.Machine m : add) {
      out.add(new Wire.WhatIfMachineDto(m.id().value(), m.role(), List.copyOf(m.capabilities()),
          m.slots().isPresent() ? m.slots().getAsInt() : null));
    }
    return out;
  }

  /** The answer the client gets back, with the machines it asked to add. */
  public static dev.fleet.CapacityWhatIf fromDto(Wire.CapacityWhatIfDto d, List<dev.fleet.Machine> added) {
    List<dev.fleet.CapacityWhatIf.Wait> waits = new ArrayList<>();
    for (Wire.WhatIfWaitDto x : d.waits() == null ? List.<Wire.WhatIfWaitDto>of() : d.waits()) {
      waits.add(new dev.fleet.CapacityWhatIf.Wait(x.capability(), x.tasks(), Duration.ofMillis(x.beforeMillis()),
          Duration.ofMillis(x.afterMillis())));
    }
    return new dev.fleet.CapacityWhatIf(Duration.ofMillis(d.windowMillis()), d.tasks(), added,
        (d.removed() == null ? List.<String>of() : d.removed()).stream().map(MachineId::of).toList(), waits);
  }
}

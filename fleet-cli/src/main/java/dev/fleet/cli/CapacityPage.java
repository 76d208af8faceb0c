package dev.fleet.cli;

import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A capacity report as {@code fleet capacity} prints it: the advice, one sentence a line, then a table with a
 * sparkline per capability and role of how often its machines were at the ceiling over the window.
 *
 * <p>Thread-safe: stateless.
 */
final class CapacityPage {
  private static final char[] BLOCKS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

  private CapacityPage() {}

  static String render(CapacityReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append("Capacity over the last ").append(words(r.window()));
    if (r.covered().compareTo(r.window()) < 0) {
      sb.append(" (history covers ").append(words(r.covered())).append(')');
    }
    sb.append(":\n");
    for (String line : r.render().split("\n")) {
      sb.append("  ").append(line).append('\n');
    }
    if (!r.uses().isEmpty()) {
      sb.append('\n');
      Table t = new Table("CAPABILITY", "AT CEILING", "OVER THE WINDOW", "MEAN QUEUE", "FINISHED", "P95 WAIT",
          "P95 RUN");
      int quiet = 0;
      for (CapacityUse u : r.uses()) {
        if (u.ceilingShare() == 0 && u.meanQueue() == 0 && u.finished() == 0) {
          quiet++;
          continue;
        }
        t.row((u.role() ? "role " : "") + u.name(), percent(u.ceilingShare()), sparkline(u.series()),
            String.format(Locale.ROOT, "%.1f", u.meanQueue()), u.finished(), words(u.p95Wait()), words(u.p95Run()));
      }
      sb.append(t.render("  "));
      if (quiet > 0) {
        sb.append("  (").append(quiet).append(quiet == 1 ? " capability or role" : " capabilities and roles")
            .append(" with no work, never at the ceiling, not shown)\n");
      }
    }
    return sb.toString();
  }

  /** One block a value, ▁ for 0 up to █ for 1. */
  static String sparkline(List<Double> series) {
    StringBuilder sb = new StringBuilder(series.size());
    for (double v : series) {
      sb.append(BLOCKS[(int) Math.min(BLOCKS.length - 1, Math.round(v * (BLOCKS.length - 1)))]);
    }
    return sb.toString();
  }

  private static String percent(double share) {
    return Math.round(share * 100) + "%";
  }

  static String words(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + "m";
    }
    long h = m / 60;
    return h < 48 ? (m % 60 == 0 ? h + "h" : h + "h " + m % 60 + "m") : h / 24 + "d " + h % 24 + "h";
  }

  /** A what-if: what was replayed on what, the sentence, and each capability's p95 wait before and after. */
  static String whatIf(dev.fleet.CapacityWhatIf w) {
    StringBuilder sb = new StringBuilder("What if");
    List<String> parts = new java.util.ArrayList<>();
    for (dev.fleet.Machine m : w.added()) {
      parts.add(" a machine with " + String.join(",", m.capabilities()) + " were added (" + m.id() + ")");
    }
    for (dev.fleet.MachineId m : w.removed()) {
      parts.add(" " + m + " were taken away");
    }
    sb.append(String.join(" and", parts)).append(": ").append(w.tasks()).append(" tasks of the last ")
        .append(words(w.window())).append(" replayed.\n  ").append(w.sentence()).append('\n');
    if (!w.waits().isEmpty()) {
      Table t = new Table("CAPABILITY", "TASKS", "P95 WAIT NOW", "P95 WAIT THEN");
      for (dev.fleet.CapacityWhatIf.Wait x : w.waits()) {
        t.row(x.capability(), x.tasks(), words(x.before()), words(x.after()));
      }
      sb.append('\n').append(t.render("  "));
    }
    return sb.toString();
  }
}

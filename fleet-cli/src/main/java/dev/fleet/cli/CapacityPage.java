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
}

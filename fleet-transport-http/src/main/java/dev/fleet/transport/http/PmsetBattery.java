package dev.fleet.transport.http;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What macOS's {@code pmset -g batt} says about power: where the machine draws from, the charge of its
 * batteries and the system's low-battery warning.
 *
 * <p>The output is a {@code Now drawing from 'AC Power'} line ({@code 'Battery Power'}, {@code 'UPS Power'}),
 * then one line per power source, e.g.
 * {@code " -InternalBattery-0 (id=4653155)\t85%; discharging; 5:21 remaining present: true"}, followed by
 * {@code "\tBattery Warning: Early"} (or {@code Final}) while the system warns of a low battery. A Mac without
 * a battery (mini, Studio, Pro) prints only the first line.
 *
 * <p>Immutable and thread-safe.
 *
 * @param drawingFrom the source named on the first line, e.g. {@code AC Power}
 * @param internalBattery whether a present internal battery was listed
 * @param percent the lowest charge of the internal batteries, or of any source when there is none
 * @param warning the low-battery warning: 0 none, 1 early, 2 final
 */
record PmsetBattery(String drawingFrom, boolean internalBattery, OptionalInt percent, int warning) {
  private static final Pattern DRAWING = Pattern.compile("Now drawing from '([^']*)'");
  private static final Pattern SOURCE = Pattern.compile("^\\s*-(\\S+)");
  private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%");
  private static final Pattern WARNING = Pattern.compile("Battery Warning:\\s*(\\w+)");

  /**
   * Reads {@code pmset -g batt} output.
   *
   * @throws IllegalStateException if there is no {@code Now drawing from} line
   */
  static PmsetBattery parse(String output) {
    String drawing = null;
    boolean internal = false;
    int lowestInternal = Integer.MAX_VALUE;
    int lowestAny = Integer.MAX_VALUE;
    int warning = 0;
    for (String line : output.split("\n")) {
      Matcher d = DRAWING.matcher(line);
      if (d.find()) {
        drawing = d.group(1);
        continue;
      }
      Matcher w = WARNING.matcher(line);
      if (w.find()) {
        String level = w.group(1).toLowerCase(Locale.ROOT);
        warning = Math.max(warning, level.equals("final") ? 2 : level.equals("early") ? 1 : 0);
        continue;
      }
      Matcher s = SOURCE.matcher(line);
      if (!s.find() || line.contains("(removed)")) {
        continue;
      }
      Matcher p = PERCENT.matcher(line);
      if (!p.find()) {
        continue;
      }
      int pct = Math.min(100, Integer.parseInt(p.group(1)));
      lowestAny = Math.min(lowestAny, pct);
      if (s.group(1).startsWith("InternalBattery")) {
        internal = true;
        lowestInternal = Math.min(lowestInternal, pct);
      }
    }
    if (drawing == null) {
      throw new IllegalStateException("pmset -g batt printed no \"Now drawing from\" line: '" + output.strip() + "'");
    }
    int lowest = internal ? lowestInternal : lowestAny;
    return new PmsetBattery(drawing, internal, lowest == Integer.MAX_VALUE ? OptionalInt.empty()
        : OptionalInt.of(lowest), warning);
  }

  /** Whether the machine runs on a battery now, its own or a UPS's. */
  boolean onBattery() {
    return !drawingFrom.equalsIgnoreCase("AC Power");
  }

  /**
   * As a probe reading: nothing for a Mac on AC power without a battery; otherwise whether it is on battery,
   * the charge, and the metric {@code battery.warning} (0 none, 1 early, 2 final).
   */
  Probe.Reading reading() {
    if (!internalBattery && percent.isEmpty() && !onBattery()) {
      return Probe.Reading.NONE;
    }
    return new Probe.Reading(OptionalDouble.empty(), Optional.of(onBattery()), percent, Optional.empty(),
        Map.of("battery.warning", (double) warning));
  }
}

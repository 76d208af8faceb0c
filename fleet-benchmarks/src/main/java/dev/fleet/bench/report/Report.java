package dev.fleet.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns one JMH result file (and the memory measurement) into the README's tables, with the ratios
 * and the targets, and draws decision cost against fleet size for Fleet, the seed's algorithm and
 * Fenzo.
 *
 * <p>Usage: {@code Report --results results.json [--memory memory.json] [--markdown out.md]
 * [--png out.png] [--command "how it was run"]}. Every figure is the median over the measurement
 * iterations of one run. Not thread-safe; a command-line tool.
 */
public final class Report {

  static final String[] SIZES = {"10", "100", "1000", "10000", "100000"};
  static final String[] STRATEGIES = {"least-loaded", "bin-pack", "spread", "power-of-two", "role-first", "custom-scan"};

  private final List<Map<String, Object>> runs = new ArrayList<>();
  private final Map<String, Object> memory;
  private final StringBuilder out = new StringBuilder();
  private final List<String[]> targets = new ArrayList<>();

  @SuppressWarnings("unchecked")
  Report(String resultsJson, String memoryJson) {
    for (Object o : (List<Object>) Json.parse(resultsJson)) {
      runs.add((Map<String, Object>) o);
    }
    memory = memoryJson == null ? null : (Map<String, Object>) Json.parse(memoryJson);
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an option such as --results, got '" + args[i] + "'");
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    if (!opts.containsKey("results")) {
      System.err.println("usage: Report --results results.json [--memory memory.json] [--markdown out.md]"
          + " [--png out.png] [--command \"how it was run\"]");
      System.exit(2);
    }
    String results = Files.readString(Path.of(opts.get("results")), StandardCharsets.UTF_8);
    String mem = opts.containsKey("memory") && Files.exists(Path.of(opts.get("memory")))
        ? Files.readString(Path.of(opts.get("memory")), StandardCharsets.UTF_8) : null;
    Report r = new Report(results, mem);
    String md = r.markdown(opts.getOrDefault("command", "(not given)"), opts.get("results"));
    System.out.println(md);
    if (opts.containsKey("markdown")) {
      Files.writeString(Path.of(opts.get("markdown")), md, StandardCharsets.UTF_8);
    }
    if (opts.containsKey("png")) {
      r.plot(Path.of(opts.get("png")));
      System.out.println("plot written to " + opts.get("png"));
    }
  }

  // ------------------------------------------------------------------ reading

  @SuppressWarnings("unchecked")
  private Map<String, Object> find(String benchmark, String... params) {
    outer:
    for (Map<String, Object> r : runs) {
      String name = (String) r.get("benchmark");
      if (!name.endsWith("." + benchmark)) {
        continue;
      }
      Map<String, Object> p = (Map<String, Object>) r.getOrDefault("params", Map.of());
      for (int i = 0; i + 1 < params.length; i += 2) {
        if (!params[i + 1].equals(p.get(params[i]))) {
          continue outer;
        }
      }
      return r;
    }
    return null;
  }

  /** Median score of the primary metric (ops/s), or NaN if that run is absent. */
  double median(String benchmark, String... params) {
    Map<String, Object> r = find(benchmark, params);
    return r == null ? Double.NaN : median(metric(r, null));
  }

  /** Median of a secondary metric (e.g. a group member's ops/s, or gc.alloc.rate.norm), or NaN. */
  double secondary(String metric, String benchmark, String... params) {
    Map<String, Object> r = find(benchmark, params);
    Map<String, Object> m = r == null ? null : metric(r, metric);
    return m == null ? Double.NaN : median(m);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metric(Map<String, Object> run, String secondary) {
    if (secondary == null) {
      return (Map<String, Object>) run.get("primaryMetric");
    }
    Map<String, Object> s = (Map<String, Object>) run.get("secondaryMetrics");
    return s == null ? null : (Map<String, Object>) s.get(secondary);
  }

  @SuppressWarnings("unchecked")
  private static double median(Map<String, Object> metric) {
    Map<String, Object> pct = (Map<String, Object>) metric.get("scorePercentiles");
    Object m = pct == null ? null : pct.get("50.0");
    return m instanceof Double d ? d : ((Double) metric.get("score"));
  }

  private double ns(double opsPerSecond) {
    return 1e9 / opsPerSecond;
  }

  // ------------------------------------------------------------------ writing

  String markdown(String command, String file) {
    Map<String, Object> any = runs.isEmpty() ? Map.of() : runs.get(0);
    line("Figures from one JMH run (`%s`): JDK %s (%s), JMH %s, %s measurement iterations of %s per fork,"
            + " %s fork(s); every figure is the median over the iterations. ns/op = 10^9 / (ops/s).",
        file, any.get("jdkVersion"), any.get("vmName"), any.get("jmhVersion"),
        fmt0((Double) any.getOrDefault("measurementIterations", Double.NaN)), any.get("measurementTime"),
        fmt0((Double) any.getOrDefault("forks", Double.NaN)));
    line("Command: `%s`", command);
    line("");

    line("#### Dispatch decision, one thread: Fleet, the seed's algorithm, Fenzo (same fleets, tasks, heartbeats)");
    line("");
    line("| machines | Fleet `plan` ops/s | ns/op | B/op | Fleet `submit`+`complete` ops/s | ns/op | B/op"
        + " | seed algorithm ops/s | ns/op | Fenzo exact assignments/s | Fenzo exact, single offer | Fenzo good-enough |");
    line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (String n : SIZES) {
      double plan = median("fleetPlan", "machines", n);
      double submit = median("fleetSubmitComplete", "machines", n);
      double seed = median("seedDispatch", "machines", n);
      line("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", big(n), ops(plan), nsf(plan),
          fmt0(secondary("gc.alloc.rate.norm", "fleetPlan", "machines", n)), ops(submit), nsf(submit),
          fmt0(secondary("gc.alloc.rate.norm", "fleetSubmitComplete", "machines", n)), ops(seed), nsf(seed),
          ops(median("fenzoExact", "machines", n)), ops(median("fenzoExactSingleOffer", "machines", n)),
          ops(median("fenzoGoodEnough", "machines", n)));
    }
    line("");
    line("| machines | Fleet `plan` vs seed | Fleet `plan` vs Fenzo (its fastest setting) | Fleet `submit`+`complete` vs seed"
        + " | Fleet `submit`+`complete` vs Fenzo (its fastest setting) |");
    line("|---:|---:|---:|---:|---:|");
    for (String n : SIZES) {
      double plan = median("fleetPlan", "machines", n);
      double submit = median("fleetSubmitComplete", "machines", n);
      double seed = median("seedDispatch", "machines", n);
      double fenzo = fenzoBest(n);
      line("| %s | %s | %s | %s | %s |", big(n), times(plan / seed), times(plan / fenzo), times(submit / seed),
          times(submit / fenzo));
    }
    line("");
    line("CPU time per operation over the same iterations (JMH's wall-clock figures above include time this"
        + " run's threads waited for a core on the shared machine; these do not): benchmark threads for Fleet and"
        + " the seed algorithm, the whole JVM for Fenzo, whose own pool threads do its work.");
    line("");
    line("| machines | Fleet `plan` CPU ns | Fleet `submit`+`complete` CPU ns | seed algorithm CPU ns"
        + " | Fenzo exact CPU ns per assignment | `plan` vs seed by CPU | `plan` vs Fenzo by CPU |");
    line("|---:|---:|---:|---:|---:|---:|---:|");
    for (String n : SIZES) {
      double plan = secondary("cpu.workers.norm", "fleetPlan", "machines", n);
      double seed = secondary("cpu.workers.norm", "seedDispatch", "machines", n);
      double fenzo = secondary("cpu.process.norm", "fenzoExact", "machines", n);
      line("| %s | %s | %s | %s | %s | %s | %s |", big(n), cpu(plan),
          cpu(secondary("cpu.workers.norm", "fleetSubmitComplete", "machines", n)), cpu(seed), cpu(fenzo),
          times(seed / plan), times(fenzo / plan));
    }
    line("");
    double plan100 = median("fleetPlan", "machines", "100");
    double plan100k = median("fleetPlan", "machines", "100000");
    double sub100 = median("fleetSubmitComplete", "machines", "100");
    double sub100k = median("fleetSubmitComplete", "machines", "100000");
    line("Cost of a decision at 100,000 machines relative to 100: `plan` %s, `submit`+`complete` %s"
            + " (seed algorithm %s).", ratio(plan100 / plan100k), ratio(sub100 / sub100k),
        ratio(median("seedDispatch", "machines", "100") / median("seedDispatch", "machines", "100000")));
    line("");

    line("#### Strategies (`plan`, one thread)");
    line("");
    line("| strategy | 100 machines ops/s | 1,000 | 100,000 | ns/op at 100,000 | B/op at 100,000 | cost 100,000 vs 100 |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (String s : STRATEGIES) {
      double v100 = median("StrategyBenchmark.plan", "machines", "100", "strategy", s);
      double v1k = median("StrategyBenchmark.plan", "machines", "1000", "strategy", s);
      double v100k = median("StrategyBenchmark.plan", "machines", "100000", "strategy", s);
      line("| %s | %s | %s | %s | %s | %s | %s |", s, ops(v100), ops(v1k), ops(v100k), nsf(v100k),
          fmt0(secondary("gc.alloc.rate.norm", "StrategyBenchmark.plan", "machines", "100000", "strategy", s)),
          ratio(v100 / v100k));
    }
    line("");

    line("#### Policies: the default path with nothing to filter (plain fleet) and with every policy filtering");
    line("");
    line("Plain: `DecisionBenchmark.fleetPlan`. Mesh: `PolicyBenchmark.plan`, the same fleet where machines report"
        + " battery, throttling and owner activity, and tasks are heavy, background and urgent as well as normal.");
    line("");
    line("| machines | plain `plan` ops/s | mesh `plan` ops/s | mesh vs plain | mesh B/op |");
    line("|---:|---:|---:|---:|---:|");
    for (String n : new String[] {"100", "1000", "100000"}) {
      double plain = median("fleetPlan", "machines", n);
      double mesh = median("PolicyBenchmark.plan", "machines", n);
      line("| %s | %s | %s | %s | %s |", big(n), ops(plain), ops(mesh), ratio(mesh / plain),
          fmt0(secondary("gc.alloc.rate.norm", "PolicyBenchmark.plan", "machines", n)));
    }
    line("");

    line("#### Contention: two dispatching threads and one heartbeat stream on one fleet (2 cores)");
    line("");
    line("| machines | dispatching | dispatch ops/s (2 threads) | heartbeats/s (1 thread) |");
    line("|---:|---|---:|---:|");
    for (String n : new String[] {"1000", "100000"}) {
      line("| %s | `plan` | %s | %s |", big(n), ops(secondary("plan", "ContentionBenchmark.plan", "machines", n)),
          ops(secondary("planHeartbeats", "ContentionBenchmark.plan", "machines", n)));
      line("| %s | `submit`+`complete` | %s | %s |", big(n),
          ops(secondary("submitComplete", "ContentionBenchmark.submit", "machines", n)),
          ops(secondary("submitHeartbeats", "ContentionBenchmark.submit", "machines", n)));
    }
    line("");

    double sweep = median("HeartbeatBenchmark.sweep", "machines", "100000");
    line("#### Heartbeats, in-process");
    line("");
    line("| what | machines | figure |");
    line("|---|---:|---:|");
    for (String t : new String[] {"fake", "system"}) {
      double ingest = median("HeartbeatBenchmark.ingest", "machines", "10000", "ticker", t);
      line("| ingest (build a `Heartbeat`, `monitor().heartbeat(...)`), %s ticker | 10,000 | %s heartbeats/s"
              + " = %s ns each, %s B each |", t.equals("fake") ? "fake" : "`Ticker.system()`", ops(ingest),
          nsf(ingest), fmt0(secondary("gc.alloc.rate.norm", "HeartbeatBenchmark.ingest", "machines", "10000",
              "ticker", t)));
    }
    for (String t : new String[] {"fake", "system"}) {
      double both = median("HeartbeatBenchmark.ingestAndDecide", "machines", "10000", "ticker", t);
      line("| ingest with a `plan` after every 16 heartbeats (the deferred re-ranking paid), %s ticker | 10,000 |"
              + " %s heartbeats/s = %s ns each |", t.equals("fake") ? "fake" : "`Ticker.system()`", ops(both),
          nsf(both));
    }
    line("| sweep (`monitor().sweep(now)`, nobody overdue) | 100,000 | %s ns per sweep = %s ns per machine |",
        fmt0(ns(sweep)), String.format(Locale.ROOT, "%.1f", ns(sweep) / 100_000));
    line("");

    if (memory != null) {
      line("#### Memory, retained heap per registered machine (%s machines, JOL graph walk; heap-delta cross-check)",
          big(String.valueOf(((Double) memory.get("machines")).intValue())));
      line("");
      line("| total per machine | of which the caller's `Machine` record | Fleet's own bookkeeping | heap delta after GC |");
      line("|---:|---:|---:|---:|");
      double total = (Double) memory.get("bytesPerMachine");
      double reg = (Double) memory.get("registrationBytesPerMachine");
      line("| %s B | %s B | %s B | %s B |", fmt0(total), fmt0(reg), fmt0(total - reg),
          fmt0((Double) memory.get("heapDeltaBytesPerMachine")));
      line("");
    }

    targets();
    line("#### Targets");
    line("");
    line("| target | measured | |");
    line("|---|---|---|");
    for (String[] t : targets) {
      line("| %s | %s | %s |", t[0], t[1], t[2]);
    }
    return out.toString();
  }

  /** Fenzo's best assignments/s at this size over the settings measured. */
  private double fenzoBest(String n) {
    double best = Double.NaN;
    for (String b : new String[] {"fenzoExact", "fenzoExactSingleOffer", "fenzoGoodEnough"}) {
      double v = median(b, "machines", n);
      if (!Double.isNaN(v) && (Double.isNaN(best) || v > best)) {
        best = v;
      }
    }
    return best;
  }

  private void targets() {
    double plan1k = median("fleetPlan", "machines", "1000");
    target(">= 5M decisions/s on one thread at 1k machines", ops(plan1k) + " decisions/s", plan1k >= 5e6);
    double cost = median("fleetPlan", "machines", "100") / median("fleetPlan", "machines", "100000");
    target("100k machines cost <= 3x 100 machines", ratio(cost) + " (`plan`)", cost <= 3);
    for (String n : new String[] {"1000", "10000"}) {
      double need = n.equals("1000") ? 100 : 1000;
      double r = median("fleetPlan", "machines", n) / median("seedDispatch", "machines", n);
      target(">= " + fmt0(need) + "x the seed baseline at " + big(n) + " machines", times(r), r >= need);
    }
    for (String n : new String[] {"1000", "10000"}) {
      double fenzo = fenzoBest(n);
      double rPlan = median("fleetPlan", "machines", n) / fenzo;
      double rSubmit = median("fleetSubmitComplete", "machines", n) / fenzo;
      target(">= 1,000x Fenzo's assignments/s at " + big(n) + " machines",
          times(rPlan) + " (`plan`), " + times(rSubmit) + " (`submit`+`complete`), vs Fenzo's fastest setting",
          rPlan >= 1000 && rSubmit >= 1000);
    }
    double alloc = Double.NaN;
    for (String n : SIZES) {
      double a = secondary("gc.alloc.rate.norm", "fleetPlan", "machines", n);
      alloc = Double.isNaN(alloc) || a > alloc ? a : alloc;
    }
    target("<= 64 bytes allocated per decision (steady state)", fmt0(alloc) + " B per `plan`, largest over sizes",
        alloc <= 64);
    double ingest = median("HeartbeatBenchmark.ingest", "machines", "10000", "ticker", "fake");
    double ingestSystem = median("HeartbeatBenchmark.ingest", "machines", "10000", "ticker", "system");
    target(">= 5M in-process heartbeats/s", ops(ingest) + " heartbeats/s at 10k machines (fake ticker); "
        + ops(ingestSystem) + " with `Ticker.system()`", ingest >= 5e6);
    double p2 = median("StrategyBenchmark.plan", "machines", "100", "strategy", "power-of-two")
        / median("StrategyBenchmark.plan", "machines", "100000", "strategy", "power-of-two");
    target("`power-of-two` at 100k machines costs no more than at 100 (issue #6)", ratio(p2), p2 <= 1.0);
    double plainPlan = median("fleetPlan", "machines", "1000");
    target("Default path, every default policy on, keeps >= 5M decisions/s at 1k machines (issue #6)",
        ops(plainPlan) + " decisions/s", plainPlan >= 5e6);
    double mesh = median("PolicyBenchmark.plan", "machines", "1000");
    target("... and where the policies filter for real (`PolicyBenchmark`, 1k machines)", ops(mesh) + " decisions/s",
        mesh >= 5e6);
    if (memory != null) {
      double total = (Double) memory.get("bytesPerMachine");
      target("<= 1 KB retained heap per machine", fmt0(total) + " B at " + big(String.valueOf(
          ((Double) memory.get("machines")).intValue())) + " machines", total <= 1024);
    }
  }

  private void target(String what, String measured, boolean met) {
    boolean absent = measured.startsWith("–") || measured.contains("NaN");
    targets.add(new String[] {what, measured, absent ? "not measured in this run" : met ? "met" : "**missed**"});
  }

  // ------------------------------------------------------------------ plot

  void plot(Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(560)
        .title("Cost of one dispatch decision vs fleet size (one JMH run, 2 cores)")
        .xAxisTitle("machines in the fleet").yAxisTitle("ns per decision (log)").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setMarkerSize(8);
    chart.getStyler().setXAxisDecimalPattern("#,###");
    chart.getStyler().setYAxisDecimalPattern("#,###");
    series(chart, "Fenzo 1.0.1 (exact), per assignment", n -> ns(median("fenzoExact", "machines", fmtN(n))));
    series(chart, "seed algorithm (filter, sort, first)", n -> ns(median("seedDispatch", "machines", fmtN(n))));
    series(chart, "Fleet plan (least-loaded)", n -> ns(median("fleetPlan", "machines", fmtN(n))));
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String fmtN(double n) {
    return String.valueOf((long) n);
  }

  private void series(XYChart chart, String name, DoubleUnaryOperator nsAt) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (String s : SIZES) {
      double x = Double.parseDouble(s);
      double y = nsAt.applyAsDouble(x);
      if (!Double.isNaN(y) && !Double.isInfinite(y)) {
        xs.add(x);
        ys.add(y);
      }
    }
    if (!xs.isEmpty()) {
      XYSeries series = chart.addSeries(name, xs, ys);
      series.setMarker(SeriesMarkers.CIRCLE);
    }
  }

  // ------------------------------------------------------------------ formatting

  private void line(String format, Object... args) {
    out.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
  }

  private static String big(String n) {
    return String.format(Locale.ROOT, "%,d", Long.parseLong(n));
  }

  private static String ops(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private String nsf(double opsPerSecond) {
    return cpu(Double.isNaN(opsPerSecond) ? Double.NaN : ns(opsPerSecond));
  }

  /** Nanoseconds: whole above 100, one decimal below. */
  private static String cpu(double ns) {
    if (Double.isNaN(ns)) {
      return "–";
    }
    return ns >= 100 ? String.format(Locale.ROOT, "%,.0f", ns) : String.format(Locale.ROOT, "%.1f", ns);
  }

  private static String fmt0(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String times(double r) {
    if (Double.isNaN(r)) {
      return "–";
    }
    return r >= 10 ? String.format(Locale.ROOT, "%,.0f×", r) : String.format(Locale.ROOT, "%.2f×", r);
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f×", r);
  }
}

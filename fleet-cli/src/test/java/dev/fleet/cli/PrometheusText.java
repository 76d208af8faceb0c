package dev.fleet.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, for tests: it refuses what the format
 * does not allow (a bad metric or label name, an unterminated or badly escaped label value, a value that is not a
 * number, a second TYPE or HELP for a family, a TYPE after the family's samples, a sample whose name does not
 * belong to the family declared for it, the same series twice, a missing final newline) with the line it is on.
 *
 * <p>Immutable once parsed; thread-safe.
 */
final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample: a series (name and labels) and its value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new LinkedHashMap<>();
  final Map<String, String> help = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text must end with a newline");
    }
    PrometheusText p = new PrometheusText();
    Set<String> sampled = new HashSet<>();
    Set<String> series = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int no = i + 1;
      try {
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("#")) {
          p.comment(line, sampled);
          continue;
        }
        Sample s = sample(line);
        String family = p.familyOf(s.name());
        sampled.add(family);
        if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
          throw new IllegalArgumentException("the series " + s.name() + s.labels() + " appears twice");
        }
        p.samples.add(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + no + " '" + line + "': " + e.getMessage(), e);
      }
    }
    return p;
  }

  private void comment(String line, Set<String> sampled) {
    String[] parts = line.split(" ", 4);
    if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("TYPE") || parts[1].equals("HELP"))) {
      return; // any other comment
    }
    String name = parts[2];
    requireName(name);
    if (parts[1].equals("TYPE")) {
      String type = parts.length == 4 ? parts[3] : "";
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException("unknown type '" + type + "'");
      }
      if (types.put(name, type) != null) {
        throw new IllegalArgumentException("a second TYPE for " + name);
      }
      if (sampled.contains(name)) {
        throw new IllegalArgumentException("TYPE for " + name + " after its samples");
      }
    } else {
      String doc = parts.length == 4 ? parts[3] : "";
      if (help.put(name, unescape(doc, false)) != null) {
        throw new IllegalArgumentException("a second HELP for " + name);
      }
    }
  }

  /** The family a sample belongs to: its own name, or a summary's or histogram's with its suffix taken off. */
  private String familyOf(String name) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : List.of("_sum", "_count", "_bucket")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if (type != null && (type.equals("summary") && !suffix.equals("_bucket") || type.equals("histogram"))) {
          return base;
        }
      }
    }
    return name; // untyped
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    requireName(name);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i < line.length() && line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException("a label without '='");
        }
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw new IllegalArgumentException("bad label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label " + label + "'s value is not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        while (true) {
          if (j >= line.length()) {
            throw new IllegalArgumentException("label " + label + "'s value is not terminated");
          }
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char n = j + 1 < line.length() ? line.charAt(j + 1) : ' ';
            if (n == '\\' || n == '"') {
              value.append(n);
            } else if (n == 'n') {
              value.append('\n');
            } else {
              throw new IllegalArgumentException("bad escape in label " + label);
            }
            j += 2;
            continue;
          }
          value.append(c);
          j++;
        }
        if (labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException("label " + label + " twice");
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected ',' or '}' after label " + label);
        }
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("no value");
    }
    String[] rest = line.substring(i + 1).trim().split(" +");
    if (rest.length > 2) {
      throw new IllegalArgumentException("more than a value and a timestamp");
    }
    double value = number(rest[0]);
    if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
      throw new IllegalArgumentException("bad timestamp '" + rest[1] + "'");
    }
    return new Sample(name, labels, value);
  }

  private static double number(String s) {
    switch (s) {
      case "NaN": return Double.NaN;
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      default:
        if (!NUMBER.matcher(s).matches()) {
          throw new IllegalArgumentException("'" + s + "' is not a number");
        }
        return Double.parseDouble(s);
    }
  }

  private static void requireName(String name) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad metric name '" + name + "'");
    }
  }

  private static String unescape(String s, boolean quotes) {
    return s.replace("\\n", "\n").replace("\\\\", "\\");
  }

  /** The value of the one series with this name and these labels (others may be present), or fails. */
  double value(String name, String... labels) {
    Map<String, String> want = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name)
        && s.labels().entrySet().containsAll(want.entrySet())).toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " series named " + name + " with " + want + ": " + found);
    }
    return found.get(0).value();
  }

  /** The type declared for a family, or null. */
  String type(String family) {
    return types.get(family);
  }
}

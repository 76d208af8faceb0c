package dev.fleet.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with columns as wide as their widest cell, for terminal output.
 *
 * <p>Not thread-safe.
 */
final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells; the table has " + headers.size()
          + " columns");
    }
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  String render(String indent) {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, indent, headers, width);
    for (List<String> r : rows) {
      line(sb, indent, r, width);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String indent, List<String> cells, int[] width) {
    StringBuilder l = new StringBuilder(indent);
    for (int i = 0; i < cells.size(); i++) {
      l.append(cells.get(i));
      if (i < cells.size() - 1) {
        l.append(" ".repeat(width[i] - cells.get(i).length() + 2));
      }
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }
}

package dev.fleet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Writes a log record as one line: UTC time, level, logger, message, and the exception's one-line summary, e.g.
 * {@code 2026-12-03T12:00:00.123Z INFO  dev.fleet.transport.http.HttpCoordinator listening on ...}. The stack
 * trace follows, on lines of its own, only for debug records or when asked ({@code --verbose}).
 *
 * <p>Thread-safe: immutable.
 */
final class OneLineFormatter extends Formatter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final boolean stackTraces;

  /** {@code stackTraces}: print the stack trace of every record's exception, not only of debug records. */
  OneLineFormatter(boolean stackTraces) {
    this.stackTraces = stackTraces;
  }

  @Override
  public String format(LogRecord r) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(TIME.format(r.getInstant())).append(' ');
    sb.append(String.format("%-5s", word(r.getLevel()))).append(' ');
    sb.append(r.getLoggerName() == null ? "-" : r.getLoggerName()).append(' ');
    sb.append(oneLine(formatMessage(r)));
    Throwable t = r.getThrown();
    if (t != null) {
      sb.append(": ").append(oneLine(CommandErrors.summary(t)));
    }
    sb.append(System.lineSeparator());
    if (t != null && (stackTraces || r.getLevel().intValue() <= Level.FINE.intValue())) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      sb.append(trace);
    }
    return sb.toString();
  }

  /** System.Logger's names for JUL's levels: ERROR, WARN, INFO, DEBUG, TRACE. */
  static String word(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (v >= Level.CONFIG.intValue()) {
      return "INFO";
    }
    if (v >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return "TRACE";
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
  }
}

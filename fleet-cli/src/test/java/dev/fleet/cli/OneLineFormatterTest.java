package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** One line per record: time, level, logger, message; the exception's summary; stack traces only when asked. */
class OneLineFormatterTest {
  private static final String NL = System.lineSeparator();

  private static LogRecord record(Level level, String message, Throwable thrown) {
    LogRecord r = new LogRecord(level, message);
    r.setInstant(Instant.parse("2026-12-03T12:00:00.123Z"));
    r.setLoggerName("dev.fleet.core.internal.Liveness");
    r.setThrown(thrown);
    return r;
  }

  @Test
  void aRecordIsOneLineOfTimeLevelLoggerAndMessage() {
    String line = new OneLineFormatter(false).format(record(Level.INFO, "m1 online -> offline", null));
    assertEquals("2026-12-03T12:00:00.123Z INFO  dev.fleet.core.internal.Liveness m1 online -> offline" + NL, line);
    assertTrue(new OneLineFormatter(false).format(record(Level.WARNING, "w", null)).contains("Z WARN  dev.fleet"));
    assertTrue(new OneLineFormatter(false).format(record(Level.SEVERE, "e", null)).contains("Z ERROR dev.fleet"));
    assertTrue(new OneLineFormatter(false).format(record(Level.FINE, "d", null)).contains("Z DEBUG dev.fleet"));
  }

  @Test
  void aMessageOverSeveralLinesStaysOnOne() {
    String line = new OneLineFormatter(false).format(record(Level.INFO, "first\nsecond\r\nthird\n", null));
    assertEquals("2026-12-03T12:00:00.123Z INFO  dev.fleet.core.internal.Liveness first | second | third" + NL, line);
  }

  @Test
  void anExceptionAddsItsSummaryAndItsStackTraceOnlyAtDebugOrWhenVerbose() {
    Exception e = new java.io.UncheckedIOException("request failed", new java.io.IOException(new ConnectException()));
    String quiet = new OneLineFormatter(false).format(record(Level.WARNING, "heartbeat failed", e));
    assertEquals("2026-12-03T12:00:00.123Z WARN  dev.fleet.core.internal.Liveness heartbeat failed: "
        + "UncheckedIOException: request failed (caused by ConnectException)" + NL, quiet);
    String verbose = new OneLineFormatter(true).format(record(Level.WARNING, "heartbeat failed", e));
    assertTrue(verbose.startsWith(quiet), verbose);
    assertTrue(verbose.contains("\tat dev.fleet.cli.OneLineFormatterTest"), verbose);
    String debug = new OneLineFormatter(false).format(record(Level.FINE, "retrying", e));
    assertTrue(debug.contains("\tat dev.fleet.cli.OneLineFormatterTest"), debug);
  }

  @Test
  void parametersAreFilledIn() {
    LogRecord r = record(Level.INFO, "{0} joined from {1}", null);
    r.setParameters(new Object[] {"m1", "127.0.0.1"});
    assertTrue(new OneLineFormatter(false).format(r).endsWith("Liveness m1 joined from 127.0.0.1" + NL));
  }
}

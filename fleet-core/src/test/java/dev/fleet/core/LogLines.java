package dev.fleet.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one of the engine's loggers wrote, as "LEVEL message" lines, from {@link #start} until {@link #close}
 * (which also puts the logger's level back). System.Logger lands in java.util.logging under the same name.
 */
final class LogLines extends Handler implements AutoCloseable {
  final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger logger;
  private final Level was;

  private LogLines(String name, Level level) {
    logger = Logger.getLogger(name);
    was = logger.getLevel();
    if (level != null) {
      logger.setLevel(level);
    }
    logger.addHandler(this);
  }

  /** Captures the logger named {@code name} at its own level. */
  static LogLines start(String name) {
    return new LogLines(name, null);
  }

  /** Captures the logger named {@code name} down to {@code level}. */
  static LogLines start(String name, Level level) {
    return new LogLines(name, level);
  }

  @Override
  public void publish(LogRecord r) {
    lines.add(r.getLevel() + " " + r.getMessage());
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(was);
  }
}

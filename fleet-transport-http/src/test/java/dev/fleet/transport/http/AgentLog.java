package dev.fleet.transport.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What agents log (the {@code dev.fleet.transport.http.HttpAgent} logger, through java.util.logging, where
 * System.Logger writes by default), as "LEVEL message" lines, for tests that check what a person is told.
 * close() detaches it. Thread-safe.
 */
final class AgentLog extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger(HttpAgent.class.getName());
  private final Level before = logger.getLevel();
  final List<String> lines = new CopyOnWriteArrayList<>();

  AgentLog() {
    logger.setLevel(Level.ALL); // DEBUG (FINE) too: the retries between the lines a person sees
    logger.addHandler(this);
  }

  /** The lines at {@code level} that contain {@code text}. */
  List<String> matching(String level, String text) {
    return lines.stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).toList();
  }

  @Override
  public void publish(LogRecord r) {
    lines.add(r.getLevel().getName() + " " + r.getMessage());
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(before);
  }
}

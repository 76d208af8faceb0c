package dev.fleet.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sets up java.util.logging for a {@code fleet} process (System.Logger writes there, and Jetty through SLF4J):
 * one line per record on standard error, INFO and up, Jetty at WARNING; {@code --verbose} shows the fleet's
 * debug records, stack traces, and Jetty's INFO.
 *
 * <p>Call from the main thread before a command runs.
 */
final class Logs {
  // Held so the levels set on them are not lost: java.util.logging keeps loggers only weakly.
  private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");
  private static final Logger FLEET = Logger.getLogger("dev.fleet");

  private Logs() {}

  static void install(boolean verbose) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Handler console = new ConsoleHandler();
    console.setFormatter(new OneLineFormatter(verbose));
    console.setLevel(verbose ? Level.FINE : Level.INFO);
    root.addHandler(console);
    // Only the fleet's own debug records: the JDK's HTTP client and TLS debug at FINE would bury them.
    root.setLevel(Level.INFO);
    FLEET.setLevel(verbose ? Level.FINE : Level.INFO);
    JETTY.setLevel(verbose ? Level.INFO : Level.WARNING);
  }

  /**
   * For commands that narrate what happens themselves (the demos): the fleet's INFO records would say it twice,
   * so only its warnings show, unless {@code --verbose} asked for more.
   */
  static void narrated() {
    if (FLEET.getLevel() == null || FLEET.getLevel().intValue() >= Level.INFO.intValue()) {
      FLEET.setLevel(Level.WARNING);
    }
  }
}

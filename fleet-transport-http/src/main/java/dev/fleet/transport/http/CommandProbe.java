package dev.fleet.transport.http;

import dev.fleet.spi.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A probe that runs a system command and parses what it prints, e.g. {@code pmset -g batt}. The command runs
 * in the background (see {@link BackgroundReading}): a reading returns the last parsed answer, at most
 * {@code maxAge} old, and never waits for the command, which is stopped at its time limit.
 *
 * <p>Thread-safe.
 */
final class CommandProbe implements Probe {
  private final String name;
  private final BackgroundReading<Reading> answers;

  /**
   * @param name what it reads, for the agent's log, e.g. {@code "battery (pmset -g batt)"}
   * @param parse turns the output into a reading; throws {@link IllegalStateException} on output it does not
   *     know
   * @param timeout longest one run of the command may take
   * @param refreshAfter how old an answer may get before the command runs again
   */
  CommandProbe(String name, List<String> command, Function<String, Reading> parse, Duration timeout,
      Duration refreshAfter, Ticker ticker) {
    this.name = Objects.requireNonNull(name, "name");
    List<String> cmd = List.copyOf(command);
    Objects.requireNonNull(parse, "parse");
    this.answers = new BackgroundReading<>(String.join(" ", cmd), () -> parse.apply(ProbeCommand.run(cmd, timeout)),
        refreshAfter, refreshAfter.multipliedBy(6), ticker);
  }

  @Override
  public Reading read() {
    return answers.latest().orElse(Reading.NONE);
  }

  /** Runs the command now and waits up to {@code limit} for its first answer, so the first heartbeat has it. */
  void prime(Duration limit) {
    try {
      answers.awaitFirst(limit);
    } catch (IllegalStateException failed) {
      // the agent logs it at its first reading
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

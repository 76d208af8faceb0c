package dev.fleet;

import java.time.Duration;
import java.util.List;

/**
 * What the fleet's own history says about its capacity over a window: advice as plain sentences with the
 * numbers behind them, and how each capability and role was used. From {@link Fleet#capacity(Duration)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param window the window asked for
 * @param covered how much of it the history covers (less when the fleet has not run that long)
 * @param findings the advice, most pressing first; empty when there is nothing to change
 * @param uses each capability and role seen in the window, by name
 */
public record CapacityReport(Duration window, Duration covered, List<CapacityFinding> findings, List<CapacityUse> uses) {

  /**
   * Checks the components; the record's description says what each means.
   *
   * @param window not negative
   * @param covered not negative
   * @param findings not null; copied
   * @param uses not null; copied
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component is out of range; the message names it and its value
   */
  public CapacityReport {
    CapacitySpans.notNegative("window", window);
    CapacitySpans.notNegative("covered", covered);
    findings = List.copyOf(findings);
    uses = List.copyOf(uses);
  }

  /**
   * The advice for people: one sentence a line, or a line saying there is none.
   *
   * @return the text, without a trailing newline; never empty
   */
  public String render() {
    if (findings.isEmpty()) {
      return "No capacity advice for the last " + CapacitySpans.words(covered) + ": no task waited for a missing "
          + "capability, nothing was saturated, no machine sat idle.";
    }
    StringBuilder sb = new StringBuilder();
    for (CapacityFinding f : findings) {
      sb.append(f.sentence()).append('\n');
    }
    return sb.substring(0, sb.length() - 1);
  }
}

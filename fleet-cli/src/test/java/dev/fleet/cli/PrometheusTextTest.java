package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The test parser of the Prometheus text format reads what the format allows and refuses what it does not. */
class PrometheusTextTest {
  @Test
  void readsFamiliesLabelsEscapesSummariesAndSpecialValues() {
    PrometheusText p = PrometheusText.parse("""
        # HELP jobs_total Jobs done\\nin all
        # TYPE jobs_total counter
        jobs_total{kind="a \\"quoted\\" \\\\ one",node="x",} 3.0 1700000000000
        # TYPE wait_seconds summary
        wait_seconds{quantile="0.5"} 0.25
        wait_seconds_count 4
        wait_seconds_sum 1.5e0
        # a comment
        free NaN
        up +Inf

        """);
    assertEquals("counter", p.type("jobs_total"));
    assertEquals("Jobs done\nin all", p.help.get("jobs_total"));
    assertEquals(3.0, p.value("jobs_total", "kind", "a \"quoted\" \\ one"));
    assertEquals(4, p.value("wait_seconds_count"));
    assertEquals(1.5, p.value("wait_seconds_sum"));
    assertTrue(Double.isNaN(p.value("free")));
    assertEquals(Double.POSITIVE_INFINITY, p.value("up"));
  }

  @Test
  void refusesWhatTheFormatDoesNotAllow() {
    String[][] bad = {
        {"1bad 1\n", "bad metric name"},
        {"m{9x=\"a\"} 1\n", "bad label name"},
        {"m{x=a} 1\n", "not quoted"},
        {"m{x=\"a} 1\n", "not terminated"},
        {"m{x=\"a\\q\"} 1\n", "bad escape"},
        {"m{x=\"a\" y=\"b\"} 1\n", "expected ',' or '}'"},
        {"m 1,5\n", "not a number"},
        {"m\n", "no value"},
        {"m 1 2 3\n", "more than a value"},
        {"m 1 x\n", "bad timestamp"},
        {"# TYPE m counter\n# TYPE m gauge\n", "a second TYPE"},
        {"# TYPE m histogramm\n", "unknown type"},
        {"m 1\n# TYPE m gauge\n", "after its samples"},
        {"m{a=\"1\"} 1\nm{a=\"1\"} 2\n", "appears twice"},
        {"m 1", "end with a newline"},
    };
    for (String[] b : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(b[0]),
          b[0]);
      assertTrue(e.getMessage().contains(b[1]), b[0] + " -> " + e.getMessage());
    }
  }
}

package dev.fleet.transport.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed TLS handshakes: the first is logged with address and reason, a flood makes one line a quiet period. */
class HandshakeFailuresTest {
  @Test
  void aFloodOfFailuresIsOneLinePerQuietPeriodAndTheNextLineCountsTheRest() {
    FakeTicker ticker = new FakeTicker();
    List<String> lines = new ArrayList<>();
    HandshakeFailures failures = new HandshakeFailures(ticker, Duration.ofMinutes(1), lines::add);

    failures.failed("/192.0.2.7:40000", "Received fatal alert: certificate_unknown");
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("TLS handshake from /192.0.2.7:40000 failed: Received fatal alert: "
        + "certificate_unknown; "), lines.get(0));
    assertTrue(lines.get(0).contains("fleet coordinator export-cert"), lines.get(0));

    for (int i = 0; i < 1000; i++) {
      failures.failed("/192.0.2.8:" + (40001 + i), "Unsupported or unrecognized SSL message");
      ticker.advance(Duration.ofMillis(50)); // 1000 failures over 50 s: inside the quiet minute
    }
    assertEquals(1, lines.size(), "none of the flood logged within the quiet period: " + lines);

    ticker.advance(Duration.ofSeconds(10));
    failures.failed("/192.0.2.9:1", "Empty client certificate chain");
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).startsWith("TLS handshake from /192.0.2.9:1 failed: Empty client certificate chain"),
        lines.get(1));
    assertTrue(lines.get(1).contains("(1000 more failed handshakes not logged since the last line"), lines.get(1));

    ticker.advance(Duration.ofMinutes(2));
    failures.failed("/192.0.2.9:2", "again");
    assertEquals(3, lines.size());
    assertTrue(!lines.get(2).contains("more failed"), "nothing went unlogged in between: " + lines.get(2));
  }
}

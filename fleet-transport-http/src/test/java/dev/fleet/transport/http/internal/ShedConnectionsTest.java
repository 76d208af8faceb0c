package dev.fleet.transport.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connections shed by the budget: the first is logged with address and reason, a flood makes one line a minute. */
class ShedConnectionsTest {
  @Test
  void aFloodOfShedConnectionsIsOneLinePerQuietPeriodAndTheNextLineCountsTheRest() {
    FakeTicker ticker = new FakeTicker();
    List<String> lines = new ArrayList<>();
    ShedConnections shed = new ShedConnections(ticker, Duration.ofMinutes(1), lines::add);

    shed.shed("192.0.2.7", "over 64 unauthenticated connections from 192.0.2.7");
    assertEquals(List.of("closed an idle connection from 192.0.2.7 that showed no credential, to make room (over 64 "
        + "unauthenticated connections from 192.0.2.7); machines and clients with a credential keep theirs"), lines);

    for (int i = 0; i < 10_000; i++) {
      shed.shed("192.0.2.8", "over 512 unauthenticated connections in all");
      ticker.advance(Duration.ofMillis(5)); // 10,000 over 50 s: inside the quiet minute
    }
    assertEquals(1, lines.size(), "none of the flood logged within the quiet period: " + lines);

    ticker.advance(Duration.ofSeconds(10));
    shed.shed("192.0.2.9", "the connection limit 1024 reached");
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).startsWith("closed an idle connection from 192.0.2.9 that showed no credential, to make "
        + "room (the connection limit 1024 reached)"), lines.get(1));
    assertTrue(lines.get(1).endsWith("(10000 more closed since the last line; at most one line per 60 s)"),
        lines.get(1));

    ticker.advance(Duration.ofMinutes(2));
    shed.shed("192.0.2.9", "again");
    assertEquals(3, lines.size());
    assertFalse(lines.get(2).contains("more closed"), "nothing went unlogged in between: " + lines.get(2));
  }
}

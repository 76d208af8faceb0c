package dev.fleet.raft;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.JournalException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad settings are refused with a message naming them; a follower refuses to open the journal. */
@Timeout(60)
class RaftJournalBuilderTest {
  @TempDir Path dir;

  private static InetSocketAddress local(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  @Test
  void badSettingsNameWhatIsWrong() {
    var e = assertThrows(IllegalArgumentException.class, () -> RaftJournal.newBuilder("bad name", dir));
    assertTrue(e.getMessage().contains("'bad name'"), e.getMessage());

    RaftJournal.Builder b = RaftJournal.newBuilder("a", dir).member("a", local(7000));
    e = assertThrows(IllegalArgumentException.class, () -> b.member("a", local(7001)));
    assertTrue(e.getMessage().contains("a was already added"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.member("b", local(7000)));
    assertTrue(e.getMessage().contains("127.0.0.1:7000"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> b.failureTimeout(Duration.ofMillis(10)));
    assertTrue(e.getMessage().contains("PT0.01S"), e.getMessage());
    b.commitTimeout(Duration.ofSeconds(3));
    var twice = assertThrows(IllegalStateException.class, () -> b.commitTimeout(Duration.ofSeconds(4)));
    assertTrue(twice.getMessage().contains("PT3S"), twice.getMessage());

    var missing = assertThrows(IllegalStateException.class,
        () -> RaftJournal.newBuilder("c", dir).member("a", local(7000)).build());
    assertTrue(missing.getMessage().contains("c, is not among the members [a]"), missing.getMessage());
  }

  @Test
  void aFollowerRefusesToOpenAndNamesTheLeader() throws Exception {
    try (Cluster c = new Cluster(3)) {
      c.startAll();
      RaftJournal leader = c.awaitLeader(Duration.ofSeconds(15), c.names());
      String follower = c.names().stream().filter(n -> !n.equals(leader.name())).findFirst().orElseThrow();
      var e = assertThrows(JournalException.class, () -> c.node(follower).open(r -> { }));
      assertTrue(e.getMessage().contains(follower + " is not the leader, " + leader.name() + " is"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> c.node(follower).append(new byte[1]),
          "nothing is appended through a journal that was not opened");
    }
  }
}

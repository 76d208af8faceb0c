package dev.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet coordinator --node/--peers}: the syntax, and what is refused before anything is written. */
class CoordinatorPeersTest {
  private static final String THREE = "a=http://127.0.0.1:7071@127.0.0.1:7801,b=http://127.0.0.1:7072@127.0.0.1:7802,"
      + "c=https://localhost:7073@127.0.0.1:7803";
  private static final String TWO = "a=http://127.0.0.1:7071@127.0.0.1:7801,b=http://127.0.0.1:7072@127.0.0.1:7802";

  @TempDir
  Path dir;

  @Test
  void peersAreNameUrlAtRaftAddress() {
    Peers p = Peers.parse(THREE);
    assertEquals(java.util.List.of("a", "b", "c"), p.names());
    assertEquals(URI.create("https://localhost:7073"), p.get("c").url());
    assertEquals(7802, p.get("b").raft().getPort());
  }

  private static void badPeers(String value, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Peers.parse(value));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void aWrongEntryIsNamed() {
    badPeers("a=http://127.0.0.1:7071", "'a=http://127.0.0.1:7071' is not NAME=URL@HOST:PORT");
    badPeers("a=ftp://h:1@127.0.0.1:7801", "the URL of a, 'ftp://h:1', must be http:// or https://");
    badPeers("a=http://h@127.0.0.1:7801", "the URL of a, 'http://h', must be http:// or https://");
    badPeers("a=http://h:1@127.0.0.1:x", "the Raft address of a, '127.0.0.1:x', must be HOST:PORT");
    badPeers("a=http://h:1@127.0.0.1:1,a=http://h:2@127.0.0.1:2", "names a twice");
    badPeers("a=http://h:1@127.0.0.1:1,b=http://h:2@127.0.0.1:1", "a have the same Raft address 127.0.0.1:1");
    badPeers("-a=http://h:1@127.0.0.1:1", "the node name '-a'");
  }

  private void refused(String message, String... options) {
    Path state = dir.resolve("state");
    String[] args = new String[3 + options.length];
    args[0] = "coordinator";
    args[1] = "--state-dir";
    args[2] = state.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    Run r = Run.of(args);
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(Files.exists(state), "nothing is written for a refused setting");
  }

  @Test
  void whatCannotWorkIsRefusedBeforeAnythingIsWritten() {
    refused("--peers needs --node NAME, this coordinator's name among [a, b, c]", "--peers", THREE);
    refused("--node d is not among --peers [a, b, c]", "--peers", THREE, "--node", "d");
    refused("--node is for replicated coordinators and needs --peers", "--node", "a");
    refused("--in-memory cannot be replicated", "--peers", THREE, "--node", "a", "--in-memory");
    refused("--manual-failover is for a pair of coordinators; --peers names 3", "--peers", THREE, "--node", "a",
        "--manual-failover");
    refused("--raft-failure-timeout must be at least 200ms", "--peers", THREE, "--node", "a",
        "--raft-failure-timeout", "100ms");
  }

  @Test
  void twoPeersRefuseAutomaticFailoverAndSayWhy() {
    refused("Two coordinators cannot fail over safely. Raft needs a majority", "--peers", TWO, "--node", "a");
    refused("--manual-failover", "--peers", TWO, "--node", "a");
  }

  @Test
  void peersComeFromTheEnvironmentOrTheConfigFileToo() {
    Path state = dir.resolve("state");
    Run r = Run.of(Map.of("FLEET_COORDINATOR_PEERS", TWO, "FLEET_COORDINATOR_NODE", "b"), dir, "coordinator",
        "--state-dir", state.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("Two coordinators cannot fail over safely"), r.err());
    assertFalse(Files.exists(state));
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void promoteRunsOneNodeOfAPairAloneOnlyWhenTheOtherIsSilentAndTheUserSaysYes() throws Exception {
    int aHttp = freePort();
    int aRaft = freePort();
    while (aRaft == aHttp) { // a probed port is free again at once
      aRaft = freePort();
    }
    String pair;
    Path state = dir.resolve("a");
    try (java.net.ServerSocket other = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      pair = "a=http://127.0.0.1:" + aHttp + "@127.0.0.1:" + aRaft + ",b=http://127.0.0.1:" + freePort()
          + "@127.0.0.1:" + other.getLocalPort();
      Run running = Run.of("coordinator", "--node", "a", "--peers", pair, "--state-dir", state.toString(), "promote",
          "--yes");
      assertEquals(1, running.code(), running.err());
      assertTrue(running.out().contains("Promoting a to run alone. Only do this when b is lost for good"),
          running.out());
      assertTrue(running.err().contains("b still answers at"), running.err());
    }
    Run unsure = Run.of("coordinator", "--node", "a", "--peers", pair, "--state-dir", state.toString(), "promote");
    assertEquals(1, unsure.code(), unsure.err());
    assertTrue(unsure.err().contains("add --yes once you are sure b will not come back as it was"), unsure.err());
    assertFalse(Files.exists(state), "nothing is written before the promotion runs");

    Run alone = Run.of("coordinator", "--node", "a", "--peers", pair, "--state-dir", state.toString(),
        "--stop-after", "6s", "promote", "--yes");
    assertEquals(0, alone.code(), alone.err() + alone.out());
    assertTrue(alone.out().contains("a leads term"), alone.out());
    assertTrue(alone.out().contains("(one of [a])"), alone.out());
  }
}

package dev.fleet.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The replicated state machine on its own: the same committed entries give every node the same records, however
 * it got them (applying every entry, installing another node's snapshot mid-stream, or restarting from its own).
 */
class CommittedLogProperties {

  /** One step of a leader: a batch of records, a barrier, or a snapshot of everything committed so far. */
  record Step(int records, boolean barrier, boolean snapshot) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(1, 5),
        Arbitraries.integers().between(0, 9)).as((n, kind) -> new Step(n, kind == 0, kind == 1));
    return step.list().ofMinSize(1).ofMaxSize(40);
  }

  /** The entries a leader would commit for {@code steps}, numbering records from 1. */
  private static List<byte[]> entries(List<Step> steps) {
    List<byte[]> entries = new ArrayList<>();
    long position = 0;
    for (Step s : steps) {
      if (s.barrier()) {
        entries.add(Entries.barrier(7));
      } else if (s.snapshot()) {
        entries.add(Entries.snapshot(position, List.of(bytes("state@" + position))));
      } else {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < s.records(); i++) {
          batch.add(bytes("r" + (position + 1 + i)));
        }
        entries.add(Entries.records(position + 1, batch));
        position += s.records();
      }
    }
    return entries;
  }

  @Property(tries = 300)
  void everyNodeAppliesTheSameCommittedPrefix(@ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 0, max = 40) int lagAt, @ForAll @IntRange(min = 0, max = 40) int restartAt)
      throws Exception {
    List<byte[]> entries = entries(steps);
    int lag = Math.min(lagAt, entries.size());
    int restart = Math.min(restartAt, entries.size());

    CommittedLog all = new CommittedLog("all", () -> { });
    Stream allStream = new Stream();
    all.subscribe(allStream);
    for (byte[] e : entries) {
      all.apply(e, 0, e.length, false);
    }

    // A follower that lagged behind the leader's truncated log: it installs the leader's state, then follows.
    CommittedLog leaderAtLag = new CommittedLog("leader", () -> { });
    for (byte[] e : entries.subList(0, lag)) {
      leaderAtLag.apply(e, 0, e.length, false);
    }
    CommittedLog lagging = new CommittedLog("lagging", () -> { });
    Stream laggingStream = new Stream();
    lagging.subscribe(laggingStream);
    lagging.readContentFrom(roundTrip(leaderAtLag));
    for (byte[] e : entries.subList(lag, entries.size())) {
      lagging.apply(e, 0, e.length, false);
    }

    // A node that restarts from its own Raft snapshot and applies the rest of its log.
    CommittedLog before = new CommittedLog("restarted", () -> { });
    for (byte[] e : entries.subList(0, restart)) {
      before.apply(e, 0, e.length, false);
    }
    CommittedLog restarted = new CommittedLog("restarted", () -> { });
    restarted.readContentFrom(roundTrip(before));
    for (byte[] e : entries.subList(restart, entries.size())) {
      restarted.apply(e, 0, e.length, false);
    }

    List<String> expected = replay(all);
    assertEquals(expected, replay(lagging), "a node that installed a snapshot");
    assertEquals(expected, replay(restarted), "a node restarted from its own snapshot");
    assertEquals(all.position(), lagging.position());
    assertEquals(all.position(), restarted.position());
    // What listeners saw agrees with the state: snapshots never change what the records mean, so a listener that
    // followed every record holds the records before the snapshots replaced them.
    assertEquals(all.position(), allStream.position);
    assertEquals(laggingStream.position, all.position());
  }

  /**
   * With two batches in flight, a batch can be committed after the one before it was dropped: it does not start
   * right after the applied records. Every node skips it, whether it applies it live or replays it after a
   * restart, and ends with the same records as if it had never been committed.
   */
  @Property(tries = 300)
  void aBatchThatDoesNotFollowTheAppliedRecordsIsSkippedAlikeByEveryNode(@ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 0, max = 40) int strayAt, @ForAll @IntRange(min = -3, max = 4) int offset,
      @ForAll @IntRange(min = 0, max = 41) int restartAt) throws Exception {
    List<byte[]> entries = entries(steps);
    int at = Math.min(strayAt, entries.size());
    CommittedLog before = new CommittedLog("before", () -> { });
    for (byte[] e : entries.subList(0, at)) {
      before.apply(e, 0, e.length, false);
    }
    // offset 0 would be the next batch, a legitimate one; anything else does not follow
    long first = before.position() + 1 + (offset >= 0 ? offset + 1 : offset);
    List<byte[]> withStray = new ArrayList<>(entries);
    withStray.add(at, Entries.records(first, List.of(bytes("stray"), bytes("stray"))));

    CommittedLog clean = new CommittedLog("clean", () -> { });
    for (byte[] e : entries) {
      clean.apply(e, 0, e.length, false);
    }
    CommittedLog live = new CommittedLog("live", () -> { });
    Stream liveStream = new Stream();
    live.subscribe(liveStream);
    for (byte[] e : withStray) {
      live.apply(e, 0, e.length, false);
    }
    int restart = Math.min(restartAt, withStray.size());
    CommittedLog snapshotted = new CommittedLog("restarted", () -> { });
    for (byte[] e : withStray.subList(0, restart)) {
      snapshotted.apply(e, 0, e.length, false);
    }
    CommittedLog restarted = new CommittedLog("restarted", () -> { });
    restarted.readContentFrom(roundTrip(snapshotted));
    for (byte[] e : withStray.subList(restart, withStray.size())) {
      restarted.apply(e, 0, e.length, false);
    }

    List<String> expected = replay(clean);
    assertEquals(expected, replay(live), "a node that applied the stray batch live");
    assertEquals(expected, replay(restarted), "a node that replayed it after a restart");
    assertEquals(clean.position(), live.position());
    assertEquals(clean.position(), restarted.position());
    assertEquals(clean.position(), liveStream.position, "listeners were told no stray record");
  }

  private static DataInputStream roundTrip(CommittedLog log) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      log.writeContentTo(out);
    }
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }

  private static List<String> replay(CommittedLog log) {
    List<String> out = new ArrayList<>();
    log.replay(r -> out.add(new String(r, StandardCharsets.UTF_8)));
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Checks the positions a listener is given: a restore sets it, each commit is the next one. */
  private static final class Stream implements CommittedLog.Listener {
    long position;

    @Override
    public void restored(long at, List<byte[]> records) {
      position = at;
    }

    @Override
    public void committed(long at, byte[] record) {
      assertEquals(position + 1, at, "positions have no gaps");
      assertEquals("r" + at, new String(record, StandardCharsets.UTF_8));
      position = at;
    }
  }
}

package dev.fleet.testing.sim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.testing.FakeTicker;
import dev.fleet.testing.ManualScheduler;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simulated Raft's rules, one message at a time, and what each does when its protection is removed. */
class RaftNodeTest {

  private static RaftGroup group(Set<ClusterFlaw> flaws) {
    FakeTicker ticker = new FakeTicker(1_000_000_000L);
    ManualScheduler scheduler = new ManualScheduler(ticker);
    SimNetwork network = new SimNetwork(3, scheduler, new SplittableRandom(1), Duration.ofMillis(2), 0, 0,
        Duration.ofSeconds(1));
    RaftGroup.Watcher none = new RaftGroup.Watcher() {
      @Override
      public void elected(RaftNode node) {}

      @Override
      public void deposed(RaftNode node) {}

      @Override
      public void crashed(RaftNode node, boolean led) {}
    };
    return new RaftGroup(3, scheduler, ticker, network, Duration.ofSeconds(1), Duration.ofMillis(200), flaws, none,
        new SplittableRandom(2));
  }

  /** A follower in term 2 whose log holds a term-1 record, the term-2 leader's barrier and a term-2 record. */
  private static RaftNode followerOfTerm2(RaftGroup g) {
    RaftNode f = g.nodes[1];
    f.term = 2;
    f.log.add(Entry.record(1, new byte[] {1}));
    f.log.add(Entry.barrier(2));
    f.log.add(Entry.record(2, new byte[] {2}));
    f.commitIndex = 3;
    return f;
  }

  /** The old leader of term 1 wrote another record at index 2, and its append arrives late. */
  private static Message.Append lateAppendOfTerm1() {
    return new Message.Append(1, 0, 1, 1, List.of(Entry.record(1, new byte[] {9})), 1);
  }

  @Test
  void aLateAppendFromAnOlderTermIsRefusedAndTheLogKept() {
    RaftNode f = followerOfTerm2(group(Set.of()));
    Message.AppendReply r = (Message.AppendReply) f.handle(lateAppendOfTerm1());
    assertFalse(r.success());
    assertEquals(2, r.term(), "the reply tells the old leader the newer term");
    assertEquals(3, f.lastIndex());
    assertEquals(2, f.termAt(2));
  }

  @Test
  void withoutTheTermCheckTheLateAppendCutsCommittedEntries() {
    RaftNode f = followerOfTerm2(group(EnumSet.of(ClusterFlaw.STALE_APPEND_ACCEPTED)));
    f.handle(lateAppendOfTerm1());
    assertEquals(2, f.lastIndex(), "the committed term-2 record is gone");
    assertEquals(1, f.termAt(2));
  }

  @Test
  void aCandidateWithAShorterLogIsRefusedItsVote() {
    RaftNode voter = followerOfTerm2(group(Set.of()));
    Message.VoteReply r = (Message.VoteReply) voter.handle(new Message.VoteRequest(3, 2, 1, 1));
    assertFalse(r.granted());
    assertEquals(3, voter.term, "a higher term is adopted even when the vote is refused");
    Message.VoteReply ok = (Message.VoteReply) voter.handle(new Message.VoteRequest(3, 0, 3, 2));
    assertTrue(ok.granted());
  }

  @Test
  void oneVotePerTerm() {
    RaftNode voter = group(Set.of()).nodes[1];
    assertTrue(((Message.VoteReply) voter.handle(new Message.VoteRequest(1, 0, 0, 0))).granted());
    assertFalse(((Message.VoteReply) voter.handle(new Message.VoteRequest(1, 2, 0, 0))).granted());
    RaftNode twice = group(EnumSet.of(ClusterFlaw.VOTE_TWICE)).nodes[1];
    twice.handle(new Message.VoteRequest(1, 0, 0, 0));
    assertTrue(((Message.VoteReply) twice.handle(new Message.VoteRequest(1, 2, 0, 0))).granted());
  }

  @Test
  void aConflictingSuffixIsReplacedByTheLeadersEntries() {
    RaftNode f = group(Set.of()).nodes[1];
    f.term = 1;
    f.log.add(Entry.record(1, new byte[] {1}));
    f.log.add(Entry.record(1, new byte[] {2})); // never committed: the leader of term 1 lost it
    Message.AppendReply r = (Message.AppendReply) f.handle(new Message.Append(2, 0, 1, 1,
        List.of(Entry.barrier(2), Entry.record(2, new byte[] {3})), 2));
    assertTrue(r.success());
    assertEquals(3, r.match());
    assertEquals(2, f.termAt(2));
    assertEquals(2, f.commitIndex);
  }
}

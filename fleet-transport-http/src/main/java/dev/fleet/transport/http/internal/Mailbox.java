package dev.fleet.transport.http.internal;

import dev.fleet.Assignment;
import dev.fleet.MachineId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The messages waiting for one machine: assignments, withdrawals, pauses and resumptions, numbered in the order
 * they were posted, kept until the agent acknowledges a number at or past them, so a message lost on the way is sent
 * again. At most one long-poll waits on a mailbox; a new one replaces it.
 *
 * <p>Thread-safe: every method is synchronized; waiting polls are handed back to the caller to complete
 * outside the lock.
 */
public final class Mailbox {
  /** What a message asks of the agent: run an attempt, stop it, pause it, or let it run again. */
  public enum Kind { ASSIGN, WITHDRAW, PAUSE, RESUME }

  /**
   * One message.
   *
   * @param seq its number, from 1, increasing per mailbox
   * @param kind assignment, withdrawal, pause or resumption
   * @param assignment the attempt it is about
   * @param reason why it was withdrawn, paused or resumed; empty for an assignment
   */
  public record Message(long seq, Kind kind, Assignment assignment, String reason) {}

  /** A long-poll waiting for messages; completed exactly once by whoever takes it. */
  public interface Waiter {
    /** Sends these messages (possibly none) and the cursor; called outside the mailbox's lock. */
    void complete(List<Message> messages, long cursor);
  }

  private final MachineId machine;
  private final ArrayDeque<Message> unacked = new ArrayDeque<>();
  private final int capacity;
  private long lastSeq;
  private Waiter waiter;
  private long waiterAfter;

  public Mailbox(MachineId machine, int capacity) {
    this.machine = Objects.requireNonNull(machine, "machine");
    if (capacity < 1) {
      throw new IllegalArgumentException("mailbox capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  public MachineId machine() {
    return machine;
  }

  /** The number of the newest message posted. */
  public synchronized long cursor() {
    return lastSeq;
  }

  /**
   * Posts a message.
   *
   * @return a waiting poll that must now be completed with the returned messages, or null
   */
  public Runnable post(Kind kind, Assignment assignment, String reason) {
    Waiter w;
    List<Message> out;
    long cursor;
    synchronized (this) {
      if (unacked.size() >= capacity) {
        // An agent that never acknowledges must not grow the coordinator without bound; the oldest is
        // dropped, and at-least-once delivery falls back to failure detection for it.
        unacked.pollFirst();
      }
      unacked.addLast(new Message(++lastSeq, kind, assignment, reason));
      if (waiter == null) {
        return null;
      }
      w = waiter;
      waiter = null;
      out = after(waiterAfter);
      cursor = lastSeq;
    }
    return () -> w.complete(out, cursor);
  }

  /** Forgets messages numbered up to {@code ack} and returns the rest, oldest first. */
  public synchronized List<Message> acknowledge(long ack) {
    while (!unacked.isEmpty() && unacked.peekFirst().seq() <= ack) {
      unacked.pollFirst();
    }
    return List.copyOf(unacked);
  }

  /**
   * Acknowledges up to {@code ack}; if messages remain they are returned, else {@code waiter} waits for the
   * next post and null is returned. A poll that was waiting already is completed empty through
   * {@code replaced}.
   */
  public List<Message> pollOrWait(long ack, Waiter waiter, List<Runnable> replaced) {
    Waiter old;
    long cursor;
    synchronized (this) {
      List<Message> now = acknowledge(ack);
      old = this.waiter;
      cursor = lastSeq;
      if (!now.isEmpty()) {
        this.waiter = null;
        if (old != null) {
          replaced.add(() -> old.complete(List.of(), cursor));
        }
        return now;
      }
      this.waiter = waiter;
      this.waiterAfter = ack;
    }
    if (old != null) {
      replaced.add(() -> old.complete(List.of(), cursor));
    }
    return null;
  }

  /** Removes {@code waiter} if it is still the one waiting; true if it was, so the caller must complete it. */
  public synchronized boolean cancel(Waiter waiter) {
    if (this.waiter == waiter) {
      this.waiter = null;
      return true;
    }
    return false;
  }

  /** Takes the waiting poll, if any, so it can be completed empty (the machine left, the server stops). */
  public synchronized Waiter takeWaiter() {
    Waiter w = waiter;
    waiter = null;
    return w;
  }

  /**
   * A (re)join: assignments still outstanding for the machine that are not waiting in the mailbox are posted
   * again, so a restarted agent learns of work it had. The agent drops those it already runs by token.
   *
   * @return the cursor the agent should start from: everything after it is for the agent
   */
  public synchronized long rejoin(Collection<Assignment> outstanding) {
    List<Long> waiting = new ArrayList<>();
    for (Message m : unacked) {
      if (m.kind() == Kind.ASSIGN) {
        waiting.add(m.assignment().token());
      }
    }
    for (Assignment a : outstanding) {
      if (!waiting.contains(a.token())) {
        if (unacked.size() >= capacity) {
          unacked.pollFirst();
        }
        unacked.addLast(new Message(++lastSeq, Kind.ASSIGN, a, ""));
      }
    }
    return unacked.isEmpty() ? lastSeq : unacked.peekFirst().seq() - 1;
  }

  /** Messages after {@code ack}, without forgetting any. */
  private List<Message> after(long ack) {
    List<Message> out = new ArrayList<>();
    for (Message m : unacked) {
      if (m.seq() > ack) {
        out.add(m);
      }
    }
    return out;
  }
}

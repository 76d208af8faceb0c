package dev.fleet.transport.http.internal;

import dev.fleet.Assignment;
import dev.fleet.FleetEvent;
import dev.fleet.MachineId;
import dev.fleet.TaskId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transport side of the coordinator: every attempt the fleet delivers is kept as outstanding for its
 * machine until it ends, and posted to the machine's {@link Mailbox}; withdrawals, pauses and resumptions are
 * posted too.
 *
 * <p>Thread-safe. {@link #deliver}, {@link #withdraw}, {@link #pause}, {@link #resume} and {@link #onEvent} are
 * called on the fleet's event executor in the order the fleet decided; the rest from request threads.
 */
public final class Deliveries {
  private final int mailboxCapacity;
  private final ConcurrentHashMap<MachineId, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TaskId, Assignment> outstanding = new ConcurrentHashMap<>();
  /** Outstanding attempts that are paused now, with why: a rejoining agent is told again. */
  private final ConcurrentHashMap<TaskId, Mailbox.Message> paused = new ConcurrentHashMap<>();

  public Deliveries(int mailboxCapacity) {
    this.mailboxCapacity = mailboxCapacity;
  }

  /** The machine's mailbox, made on first use. */
  public Mailbox mailbox(MachineId machine) {
    return mailboxes.computeIfAbsent(machine, m -> new Mailbox(m, mailboxCapacity));
  }

  public void deliver(Assignment a) {
    outstanding.put(a.task().id(), a);
    paused.remove(a.task().id());
    run(mailbox(a.machine()).post(Mailbox.Kind.ASSIGN, a, ""));
  }

  public void withdraw(Assignment a, String reason) {
    outstanding.computeIfPresent(a.task().id(), (id, cur) -> cur.token() == a.token() ? null : cur);
    forgetPause(a);
    Mailbox box = mailboxes.get(a.machine());
    if (box != null) { // no mailbox: the machine was removed, and nobody is left to tell
      run(box.post(Mailbox.Kind.WITHDRAW, a, reason));
    }
  }

  /** The attempt stays outstanding but should pause on its machine; posted like a withdrawal. */
  public void pause(Assignment a, String reason) {
    paused.put(a.task().id(), new Mailbox.Message(0, Mailbox.Kind.PAUSE, a, reason));
    post(a, Mailbox.Kind.PAUSE, reason);
  }

  /** A paused attempt may run again on its machine. */
  public void resume(Assignment a, String reason) {
    forgetPause(a);
    post(a, Mailbox.Kind.RESUME, reason);
  }

  private void post(Assignment a, Mailbox.Kind kind, String reason) {
    Mailbox box = mailboxes.get(a.machine());
    if (box != null) { // no mailbox: the machine was removed, and nobody is left to tell
      run(box.post(kind, a, reason));
    }
  }

  private void forgetPause(Assignment a) {
    paused.computeIfPresent(a.task().id(), (id, cur) -> cur.assignment().token() == a.token() ? null : cur);
  }

  /** Forgets attempts whose task reached a final state however it got there. */
  public void onEvent(FleetEvent event) {
    if (event instanceof FleetEvent.TaskChanged c && c.to().isFinal()) {
      outstanding.computeIfPresent(c.task(), (id, cur) -> cur.attempt() <= c.attempt() ? null : cur);
      paused.computeIfPresent(c.task(), (id, cur) -> cur.assignment().attempt() <= c.attempt() ? null : cur);
    }
  }

  /** The task's attempt that is out on a machine, if any. */
  public Optional<Assignment> outstanding(TaskId task) {
    return Optional.ofNullable(outstanding.get(task));
  }

  /** The attempt's result was accepted. */
  public void finished(TaskId task, long token) {
    Assignment a = outstanding.get(task);
    if (a != null && a.token() == token) {
      outstanding.remove(task, a);
      forgetPause(a);
    }
  }

  /** The tasks out on a machine. */
  public List<Assignment> outstandingOn(MachineId machine) {
    List<Assignment> out = new ArrayList<>();
    for (Assignment a : outstanding.values()) {
      if (a.machine().equals(machine)) {
        out.add(a);
      }
    }
    out.sort((x, y) -> x.task().id().compareTo(y.task().id()));
    return out;
  }

  /**
   * A (re)join: returns the cursor the agent starts from; see {@link Mailbox#rejoin}. Attempts of the machine
   * that are paused are posted as paused again after their assignments, so a rejoining agent does not run them.
   */
  public long rejoin(MachineId machine) {
    Mailbox box = mailbox(machine);
    long cursor = box.rejoin(outstandingOn(machine));
    for (Mailbox.Message p : paused.values()) {
      Assignment a = p.assignment();
      Assignment out = outstanding.get(a.task().id());
      if (a.machine().equals(machine) && out != null && out.token() == a.token()) {
        run(box.post(Mailbox.Kind.PAUSE, a, p.reason()));
      }
    }
    return cursor;
  }

  /** The machine left: its mailbox goes, and a waiting poll is answered with nothing. */
  public void forget(MachineId machine) {
    Mailbox box = mailboxes.remove(machine);
    if (box != null) {
      Mailbox.Waiter w = box.takeWaiter();
      if (w != null) {
        w.complete(List.of(), box.cursor());
      }
    }
  }

  /** Answers every waiting poll with nothing, as the server stops. */
  public void releaseWaiters() {
    for (Mailbox box : mailboxes.values()) {
      Mailbox.Waiter w = box.takeWaiter();
      if (w != null) {
        w.complete(List.of(), box.cursor());
      }
    }
  }

  private static void run(Runnable r) {
    if (r != null) {
      r.run();
    }
  }
}

package dev.fleet.core.internal;

import dev.fleet.FleetEvent;
import dev.fleet.FleetListener;
import dev.fleet.Subscription;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers events to listeners, and assignments to the transport, in the order they happened, one at a
 * time, on the event executor and never under the fleet's lock.
 *
 * <p>Events are appended under the fleet's lock (which fixes their order) and drained after it is
 * released. Thread-safe.
 */
final class EventBus {
  private static final System.Logger LOG = System.getLogger(EventBus.class.getName());
  private final Executor executor;
  private final CopyOnWriteArrayList<Subscribed> listeners = new CopyOnWriteArrayList<>();
  /** FleetEvents, and Runnables for transport calls, in the order they happened. */
  private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  EventBus(Executor executor) {
    this.executor = executor;
  }

  /** Sees every event after the listeners, though it is none of them: the fleet's log. */
  private volatile FleetListener observer;

  /**
   * Whether anyone wants health events, a listener or the {@linkplain #observe observer}; callers skip building
   * them when not.
   */
  boolean active() {
    return observer != null || !listeners.isEmpty();
  }

  /** Whether a listener is subscribed: task events, which only listeners want, are built only then. */
  boolean listening() {
    return !listeners.isEmpty();
  }

  /** Sets the observer; called once, before the fleet takes its first change. */
  void observe(FleetListener o) {
    observer = o;
  }

  Subscription subscribe(FleetListener listener) {
    Subscribed s = new Subscribed(listener);
    listeners.add(s);
    return s;
  }

  /**
   * One registration of a listener. Removed by identity, so closing it twice, or closing one of two
   * registrations of the same listener, removes exactly this one; {@code open} is checked before each event, so
   * a drain that took its snapshot of the list before the close still skips it.
   */
  private final class Subscribed implements Subscription {
    final FleetListener listener;
    volatile boolean open = true;

    Subscribed(FleetListener listener) {
      this.listener = listener;
    }

    @Override
    public void close() {
      open = false;
      listeners.remove(this);
    }
  }

  /**
   * The journal position an event posted now must wait for: nothing is delivered (no agent told of an
   * attempt, no listener of a change) before the change behind it is on disk. 0 without a journal.
   */
  private long gate;
  /** The highest journal position known to be durable. */
  private volatile long durable;

  /** An item that may be delivered only once the journal is durable up to {@code position}. */
  private record Gated(long position, Object item) {}

  /** Called under the fleet's lock, after each journal append: what is posted from now on waits for it. */
  void gate(long position) {
    gate = position;
  }

  /** The journal is durable up to {@code position}; called after a sync, before {@link #flush}. */
  void durable(long position) {
    if (position > durable) {
      durable = position;
    }
  }

  /** Called under the fleet's lock. */
  void post(FleetEvent event) {
    pending.add(gate == 0 ? event : new Gated(gate, event));
  }

  /** Queues a transport call behind the events before it; called under the fleet's lock. */
  void post(Runnable delivery) {
    pending.add(gate == 0 ? delivery : new Gated(gate, delivery));
  }

  /** Drops what was posted and not delivered: the journal failed, so none of it was kept. */
  void discard() {
    pending.clear();
  }

  private boolean deliverable() {
    Object head = pending.peek();
    return head != null && (!(head instanceof Gated g) || g.position <= durable);
  }

  /** Called after the fleet's lock is released. */
  void flush() {
    if (deliverable() && draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RuntimeException e) {
        draining.set(false);
        LOG.log(Level.WARNING, "event executor refused delivery; events stay pending", e);
      }
    }
  }

  private static void deliver(FleetListener l, FleetEvent e) {
    try {
      l.onEvent(e);
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "listener " + l + " failed on " + e, ex);
    }
  }

  private void drain() {
    do {
      Object next;
      while (deliverable() && (next = pending.poll()) != null) {
        if (next instanceof Gated g) {
          next = g.item;
        }
        if (next instanceof Runnable delivery) {
          try {
            delivery.run();
          } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "transport failed", ex);
          }
          continue;
        }
        FleetEvent e = (FleetEvent) next;
        for (Subscribed s : listeners) {
          if (s.open) {
            deliver(s.listener, e);
          }
        }
        FleetListener o = observer;
        if (o != null) {
          deliver(o, e);
        }
      }
      draining.set(false);
      // An event posted after the poll loop ended but before the flag cleared would otherwise wait.
    } while (deliverable() && draining.compareAndSet(false, true));
  }
}

package dev.fleet.transport.http.internal;

/**
 * The most recent events of a stream, already encoded as server-sent event blocks, by sequence number: a
 * fixed-size ring, so a stream remembers the last {@code capacity} events and forgets the oldest first.
 * Sequence numbers start at 1 and have no gaps.
 *
 * <p>Not thread-safe: guarded by its {@link EventStream}'s lock.
 */
final class EventRing {
  private final byte[][] frames;
  private long latest;

  EventRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("event history must be >= 1, got " + capacity);
    }
    this.frames = new byte[capacity][];
  }

  /** Appends the next event's block; returns its sequence number. */
  long add(byte[] frame) {
    latest++;
    frames[(int) (latest % frames.length)] = frame;
    return latest;
  }

  /** The newest sequence number, 0 before the first event. */
  long latest() {
    return latest;
  }

  /** The oldest sequence number still held; {@code latest() + 1} when none is. */
  long oldest() {
    return Math.max(1, latest - frames.length + 1);
  }

  /** The block of event {@code seq}, which must be between {@link #oldest()} and {@link #latest()}. */
  byte[] get(long seq) {
    if (seq < oldest() || seq > latest) {
      throw new IllegalArgumentException("event " + seq + " is not held; held are " + oldest() + " to " + latest);
    }
    return frames[(int) (seq % frames.length)];
  }
}

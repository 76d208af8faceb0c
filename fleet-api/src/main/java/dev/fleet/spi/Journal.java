package dev.fleet.spi;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The fleet's durable memory: a fenced, ordered, append-only log of the changes the fleet made, with
 * snapshots that replace a prefix of it. The fleet appends a record for every change to its registry and task
 * ledger, waits for {@link #sync} before it says "accepted", and replays the log when it starts again.
 *
 * <p>Records are opaque bytes to the journal; their order is the order of {@link #append} calls. Positions
 * start at 1 and have no gaps. A journal is written by one writer at a time: {@link #open} claims an
 * {@link #epoch} above every earlier writer's, and a writer whose epoch has been overtaken is fenced out
 * (its next {@link #sync} throws). The journal is fail-stop: after a write or fsync error it accepts nothing
 * more, and every later call that would write throws the same {@link JournalException}.
 *
 * <p>Threading: {@link #append} is called under the fleet's lock, in the fleet's order, and must not block
 * on I/O; {@link #sync} is called by many threads at once, outside the lock, and should share one write and
 * one fsync among all of them (group commit). {@link #snapshot} is called outside the lock and may block.
 * Implementations are thread-safe.
 */
public interface Journal extends AutoCloseable {

  /**
   * Opens the journal for writing: claims an epoch above every earlier writer's, then hands {@code replay}
   * the records of the latest snapshot followed by every durable record appended after it, in order, on the
   * calling thread. A torn record at the very end (a write cut off by a crash) is dropped; damage anywhere
   * before the end throws a {@link JournalException} that names the file and offset. Called once.
   *
   * @param replay takes each record in order; the journal does not keep the arrays
   * @return the epoch this writer holds
   */
  long open(Consumer<byte[]> replay);

  /**
   * Adds a record at the end; it is not durable until {@link #sync} covers its position.
   *
   * @param record the bytes to keep; the journal may keep the array, so do not change it afterwards
   * @return the record's position
   * @throws JournalException if the journal has failed or is closed
   */
  long append(byte[] record);

  /**
   * Returns once every record up to {@code position} is durable (written and forced to stable storage).
   *
   * @param position a position {@link #append} returned; earlier positions are covered too
   * @throws JournalException if the journal failed before that, or this writer was fenced out
   */
  void sync(long position);

  /**
   * Replaces every record up to {@code position} by {@code state}: records that recreate, from nothing, the
   * state those records made. Records after {@code position} stay and are replayed after the snapshot. Once
   * this returns the snapshot is durable and the records it replaces may be gone.
   *
   * @param position the last position the snapshot covers; at most {@link #position()}
   * @param state the records of the snapshot, in replay order
   * @throws JournalException if the snapshot could not be made durable
   */
  void snapshot(long position, Iterable<byte[]> state);

  /**
   * The position of the last record appended, durable or not.
   *
   * @return the position, 0 if none
   */
  long position();

  /**
   * The epoch claimed by {@link #open}.
   *
   * @return the epoch, above every earlier writer's
   */
  long epoch();

  /**
   * Why the journal stopped accepting writes.
   *
   * @return the failure every later write throws; empty while the journal is healthy
   */
  Optional<JournalException> failure();

  /** Syncs what was appended, if it can, and releases the journal's files; later calls throw. */
  @Override
  void close();
}

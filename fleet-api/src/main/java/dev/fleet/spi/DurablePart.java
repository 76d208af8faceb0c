package dev.fleet.spi;

import java.util.function.Consumer;

/**
 * State a plugin keeps in the fleet's journal beside the fleet's own, such as a transport's credential
 * hashes: its records are replayed when the fleet starts, included in snapshots, and appended in the same
 * order as the fleet's changes.
 *
 * <p>Records must be idempotent "set" statements (a record applied twice leaves the same state), because a
 * snapshot may already contain the change a later record states. A {@link Transport} that implements this
 * interface is registered with the fleet's journal automatically.
 *
 * <p>Threading: {@link #replay} is called on the thread that builds the fleet, before it serves anything;
 * {@link #snapshot} under the fleet's lock; {@link #attach} once, before {@link #replay}.
 */
public interface DurablePart {

  /**
   * A unique, stable name, such as {@code http.credentials}; records are filed under it.
   *
   * @return the name; must not change between runs, or the part's records are not found
   */
  String name();

  /**
   * Receives the function that appends one of this part's records and returns once it is durable (in a
   * fleet without a journal, at once). It throws {@link JournalException} when the journal has failed.
   *
   * @param durableAppend appends one record; keep it and call it from any thread
   */
  void attach(Consumer<byte[]> durableAppend);

  /**
   * Applies one of this part's records, in the order they were appended.
   *
   * @param record a record this part appended or wrote in a snapshot, as bytes it chose
   */
  void replay(byte[] record);

  /**
   * Writes records that recreate this part's current state from nothing.
   *
   * @param out takes each record, in the order {@link #replay} should see them
   */
  void snapshot(Consumer<byte[]> out);
}

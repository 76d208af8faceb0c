package dev.fleet.bench;

import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A {@link Journal} that counts the bytes of the records appended through it, then hands everything to the real
 * one: what the fleet asks a journal to keep, before the journal frames or replicates it.
 *
 * <p>Threading: as thread-safe as the journal it wraps; the count may be read from any thread.
 */
final class CountingJournal implements Journal {
  private final Journal journal;
  private final LongAdder bytes = new LongAdder();

  CountingJournal(Journal journal) {
    this.journal = journal;
  }

  /** The bytes of every record appended so far. */
  long recordBytes() {
    return bytes.sum();
  }

  @Override
  public long open(Consumer<byte[]> replay) {
    return journal.open(replay);
  }

  @Override
  public long append(byte[] record) {
    bytes.add(record.length);
    return journal.append(record);
  }

  @Override
  public void sync(long position) {
    journal.sync(position);
  }

  @Override
  public void snapshot(long position, Iterable<byte[]> state) {
    journal.snapshot(position, state);
  }

  @Override
  public long position() {
    return journal.position();
  }

  @Override
  public long epoch() {
    return journal.epoch();
  }

  @Override
  public Optional<JournalException> failure() {
    return journal.failure();
  }

  @Override
  public void close() {
    journal.close();
  }
}

package dev.fleet.testing;

import dev.fleet.spi.Journal;
import dev.fleet.spi.JournalException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link Journal} that passes every call to another, for tests that hold, count or fail some of them:
 * override what the test is about and leave the rest.
 *
 * <p>As thread-safe as the journal it wraps and the overrides make it.
 */
public abstract class ForwardingJournal implements Journal {
  private final Journal delegate;

  /**
   * A journal that passes every call to {@code delegate}.
   *
   * @param delegate the journal to pass calls to
   * @throws NullPointerException if {@code delegate} is null
   */
  protected ForwardingJournal(Journal delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The journal calls are passed to, for overrides that call it themselves.
   *
   * @return the journal given to the constructor
   */
  protected Journal delegate() {
    return delegate;
  }

  @Override
  public long open(Consumer<byte[]> replay) {
    return delegate.open(replay);
  }

  @Override
  public long append(byte[] record) {
    return delegate.append(record);
  }

  @Override
  public void sync(long position) {
    delegate.sync(position);
  }

  @Override
  public void snapshot(long position, Iterable<byte[]> state) {
    delegate.snapshot(position, state);
  }

  @Override
  public long position() {
    return delegate.position();
  }

  @Override
  public long epoch() {
    return delegate.epoch();
  }

  @Override
  public Optional<JournalException> failure() {
    return delegate.failure();
  }

  @Override
  public void close() {
    delegate.close();
  }
}

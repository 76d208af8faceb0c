package dev.fleet.spi;

/**
 * A {@link Journal} could not keep a change: a write or fsync failed, the journal is damaged, closed, or
 * its writer was fenced out by a newer one. Once thrown for a write, the journal accepts nothing more.
 *
 * <p>Immutable.
 */
public class JournalException extends dev.fleet.FleetException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}

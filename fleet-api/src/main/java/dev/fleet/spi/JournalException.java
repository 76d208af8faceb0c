package dev.fleet.spi;

/**
 * A {@link Journal} could not keep a change: a write or fsync failed, the journal is damaged, closed, or
 * its writer was fenced out by a newer one. Once thrown for a write, the journal accepts nothing more.
 *
 * <p>Immutable.
 */
public class JournalException extends dev.fleet.FleetException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception saying what the journal could not do.
   *
   * @param message for people: names the file and, for damage, the offset
   */
  public JournalException(String message) {
    super(message);
  }

  /**
   * An exception caused by another, typically an {@link java.io.IOException} from a write or fsync.
   *
   * @param message for people: names the file and, for damage, the offset
   * @param cause what failed underneath
   */
  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}

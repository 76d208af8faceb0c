package dev.fleet.json;

/**
 * Thrown when registry JSON is malformed; the message starts with where in the file the problem is,
 * e.g. {@code machines[1].current_load: must be a number >= 0, got "high"}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistryFormatException extends IllegalArgumentException {
  /** Where the problem is, as {@link #location()} returns it. */
  private final String location;
  /** What is wrong there, as {@link #problem()} returns it. */
  private final String problem;

  RegistryFormatException(String location, String problem) {
    this(location, problem, null);
  }

  RegistryFormatException(String location, String problem, Throwable cause) {
    super(location + ": " + problem, cause);
    this.location = location;
    this.problem = problem;
  }

  /**
   * Where the problem is.
   *
   * @return a path such as {@code machines[2].id}, {@code line 3, column 7} for JSON that does not parse, or
   *     {@code top level}; prefixed with the file name when a file was read; never null
   */
  public String location() {
    return location;
  }

  /**
   * What is wrong there.
   *
   * @return the problem without its location, e.g. {@code must be a number >= 0, got "high"}; never null
   */
  public String problem() {
    return problem;
  }

  /** The same problem, located inside the given file. */
  RegistryFormatException in(Object file) {
    return new RegistryFormatException(file + ": " + location, problem, getCause());
  }
}

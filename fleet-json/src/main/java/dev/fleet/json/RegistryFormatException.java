package dev.fleet.json;

/**
 * Thrown when registry JSON is malformed; the message starts with where in the file the problem is,
 * e.g. {@code machines[1].current_load: must be a number >= 0, got "high"}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistryFormatException extends IllegalArgumentException {
  private final String location;
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
   * Where the problem is: a path such as {@code machines[2].id}, {@code line 3, column 7} for JSON that
   * does not parse, or {@code top level}; prefixed with the file name when a file was read.
   */
  public String location() {
    return location;
  }

  /** What is wrong there, without the location. */
  public String problem() {
    return problem;
  }

  /** The same problem, located inside the given file. */
  RegistryFormatException in(Object file) {
    return new RegistryFormatException(file + ": " + location, problem, getCause());
  }
}

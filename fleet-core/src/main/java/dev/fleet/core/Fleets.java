package dev.fleet.core;

/**
 * The way in: {@code Fleets.newBuilder()...build()} makes a {@link dev.fleet.Fleet}.
 *
 * <p>Thread-safe; each call returns a new builder.
 */
public final class Fleets {
  private Fleets() {}

  /**
   * Starts configuring a fleet.
   *
   * @return a new builder with every setting at its default
   */
  public static FleetBuilder newBuilder() {
    return new FleetBuilder();
  }
}

package dev.fleet.core;

import dev.fleet.core.internal.LeastLoaded;
import dev.fleet.spi.PlacementStrategy;

/**
 * The placement strategies that ship with Fleet.
 *
 * <p>Every strategy returned is stateless and thread-safe.
 */
public final class Strategies {
  private Strategies() {}

  /** The seed's rule and the default: least-loaded eligible machine, ties to the first registered. */
  public static PlacementStrategy leastLoaded() {
    return LeastLoaded.INSTANCE;
  }
}

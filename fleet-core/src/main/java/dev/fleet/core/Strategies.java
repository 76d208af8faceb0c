package dev.fleet.core;

import dev.fleet.core.internal.BinPack;
import dev.fleet.core.internal.LeastLoaded;
import dev.fleet.core.internal.PowerOfTwo;
import dev.fleet.core.internal.RoleFirst;
import dev.fleet.core.internal.Spread;
import dev.fleet.spi.PlacementStrategy;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The placement strategies that ship with Fleet, and lookup by name.
 *
 * <p>Every strategy returned is stateless and thread-safe.
 */
public final class Strategies {
  private Strategies() {}

  /**
   * The seed's rule and the default: least-loaded eligible machine, ties to the first registered.
   *
   * @return the strategy named {@code least-loaded}
   */
  public static PlacementStrategy leastLoaded() {
    return LeastLoaded.INSTANCE;
  }

  /**
   * The busiest eligible machine under the ceiling, so the others can sleep or stay cool.
   *
   * @return the strategy named {@code bin-pack}
   */
  public static PlacementStrategy binPack() {
    return BinPack.INSTANCE;
  }

  /**
   * The eligible machine running the fewest tasks, then the least loaded, then the first registered.
   *
   * @return the strategy named {@code spread}
   */
  public static PlacementStrategy spread() {
    return Spread.INSTANCE;
  }

  /**
   * The less loaded of two sampled eligible machines: O(1) for very large fleets.
   *
   * @return the strategy named {@code power-of-two}
   */
  public static PlacementStrategy powerOfTwo() {
    return PowerOfTwo.INSTANCE;
  }

  /**
   * Machines of the task's preferred role first, then the seed's rule.
   *
   * @return the strategy named {@code role-first}
   */
  public static PlacementStrategy roleFirst() {
    return RoleFirst.INSTANCE;
  }

  /**
   * Every built-in strategy, the default first.
   *
   * @return an immutable list of the five strategies above
   */
  public static List<PlacementStrategy> builtIn() {
    return List.of(leastLoaded(), binPack(), spread(), powerOfTwo(), roleFirst());
  }

  /**
   * A built-in strategy, or one found through {@link ServiceLoader}, by its {@link PlacementStrategy#name()}.
   * A built-in name wins over a plugin of the same name. On the module path a plugin module
   * {@code provides dev.fleet.spi.PlacementStrategy}; on the class path it lists its class in
   * {@code META-INF/services/dev.fleet.spi.PlacementStrategy}.
   *
   * @param name the strategy's name, e.g. {@code bin-pack}
   * @return the strategy
   * @throws IllegalArgumentException if none has that name; the message lists the names available
   */
  public static PlacementStrategy byName(String name) {
    TreeMap<String, PlacementStrategy> available = new TreeMap<>();
    for (PlacementStrategy s : builtIn()) {
      available.put(s.name(), s);
    }
    for (PlacementStrategy s : ServiceLoader.load(PlacementStrategy.class)) {
      available.putIfAbsent(s.name(), s);
    }
    PlacementStrategy s = available.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no placement strategy is named '" + name + "'; available: "
          + String.join(", ", available.keySet()));
    }
    return s;
  }
}

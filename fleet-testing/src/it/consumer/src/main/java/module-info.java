/** A Fleet user's module: a placement strategy provided to fleet-core's ServiceLoader. */
module dev.fleet.it.consumer {
  requires dev.fleet.api;
  requires dev.fleet.core;

  provides dev.fleet.spi.PlacementStrategy with dev.fleet.it.consumer.FewestTasks;
}

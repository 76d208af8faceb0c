/**
 * Fleet's API: the types an embedder calls and the service interfaces a plugin implements, with no runtime
 * dependencies, so that a plugin or a client compiles against this module alone.
 *
 * <p>{@code dev.fleet} holds what an embedder uses: {@link dev.fleet.Fleet} and its
 * {@link dev.fleet.Registry}, {@link dev.fleet.Dispatcher} and {@link dev.fleet.HeartbeatMonitor}, the value
 * records (machines, tasks, heartbeats, decisions and their explanations), events and exceptions.
 * {@code dev.fleet.spi} holds what a plugin implements: {@link dev.fleet.spi.PlacementStrategy},
 * {@link dev.fleet.spi.FailureDetector}, {@link dev.fleet.spi.Transport}, {@link dev.fleet.spi.Journal},
 * {@link dev.fleet.spi.Ticker} and {@link dev.fleet.spi.Scheduler}. A fleet itself comes from an
 * implementation module such as {@code dev.fleet.core}.
 */
module dev.fleet.api {
  exports dev.fleet;
  exports dev.fleet.spi;
}

/**
 * What a plugin author implements to change how a fleet places tasks ({@link dev.fleet.spi.PlacementStrategy}),
 * judges silence ({@link dev.fleet.spi.FailureDetector}), reaches machines ({@link dev.fleet.spi.Transport}),
 * keeps its state ({@link dev.fleet.spi.Journal}, {@link dev.fleet.spi.DurablePart}) and tells time
 * ({@link dev.fleet.spi.Ticker}, {@link dev.fleet.spi.Scheduler}).
 *
 * <p>The rules a plugin can rely on, and must keep: plugins are passed explicitly to the fleet's builder
 * (discovery by name through {@link java.util.ServiceLoader} is opt-in, and an unknown name is an error that
 * lists the names available); a placement strategy runs on the dispatch path, so it must not block, do I/O or
 * share mutable state, and sees an indexed read-only view of the candidates, never the whole registry; and a
 * plugin that throws never kills the dispatcher or the heartbeat thread: the failure is logged and becomes an
 * explained outcome. Each interface states the threads it is called on.
 */
package dev.fleet.spi;

/**
 * What an embedder of Fleet calls: a {@link dev.fleet.Fleet} with its {@link dev.fleet.Registry} of machines,
 * its {@link dev.fleet.HeartbeatMonitor} and its {@link dev.fleet.Dispatcher} of tasks, and the immutable,
 * validated records, events and exceptions they take and return.
 *
 * <p>Conventions throughout: time that orders or times things is the fleet's {@link dev.fleet.spi.Ticker}
 * (nanoseconds, names ending in {@code Nanos}); wall-clock {@link java.time.Instant}s are for people and saved
 * files; spans are {@link java.time.Duration}s. Absent values are {@code Optional}s or empty collections,
 * never null. Misuse throws an unchecked exception whose message names the bad value.
 */
package dev.fleet;

/**
 * JMH benchmarks of Fleet's dispatcher, registry and heartbeat monitor, with the seed's naive dispatcher
 * as an in-run baseline and Netflix Fenzo as a peer; see {@code fleet-benchmarks/README.md}.
 */
package dev.fleet.bench;

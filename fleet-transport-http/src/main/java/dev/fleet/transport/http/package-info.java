/**
 * The HTTP transport: {@link dev.fleet.transport.http.HttpCoordinator}, the coordinator's server, and
 * {@link dev.fleet.transport.http.HttpAgent}, the client that runs on each machine.
 */
package dev.fleet.transport.http;

/**
 * Fleet's HTTP transport: the coordinator's server ({@link dev.fleet.transport.http.HttpCoordinator}), the agent
 * that runs on each machine ({@link dev.fleet.transport.http.HttpAgent}) and the client an operator's tools use
 * ({@link dev.fleet.transport.http.HttpFleetClient}). The values and failures of its API are in
 * {@code dev.fleet.transport.http.model}; everything in {@code dev.fleet.transport.http.internal} may change
 * without notice.
 */
module dev.fleet.transport.http {
  requires transitive dev.fleet.api;
  requires dev.fleet.json;
  requires tools.jackson.databind;
  requires org.eclipse.jetty.server;
  requires java.net.http;

  exports dev.fleet.transport.http;
  exports dev.fleet.transport.http.model;

  // Jackson binds the wire records (and their annotations) by reflection.
  opens dev.fleet.transport.http.internal to tools.jackson.databind;
}

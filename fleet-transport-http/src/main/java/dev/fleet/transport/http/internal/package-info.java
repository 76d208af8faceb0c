/**
 * Not API: the coordinator's HTTP server (routes, endpoints, authentication, limits, the event stream) and the
 * JSON and HTTP plumbing the agent and client share. Not exported by the module; anything here may change
 * without notice.
 */
package dev.fleet.transport.http.internal;

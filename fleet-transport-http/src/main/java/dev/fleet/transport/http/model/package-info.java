/**
 * The values and failures the HTTP API speaks in, shared by the client, the agent and the coordinator's server:
 * join-token scopes and held claims, the coordinator group, the remote event stream's events, and the exceptions
 * a client throws when a coordinator refuses a request or none can be reached.
 */
package dev.fleet.transport.http.model;

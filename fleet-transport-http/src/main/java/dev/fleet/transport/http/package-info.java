/**
 * The HTTP transport: a fleet's coordinator served over a JSON {@code /v1} API, the agent that runs on each
 * machine, and a client that submits and inspects work from anywhere.
 *
 * <ul>
 *   <li><b>The coordinator</b>: {@link dev.fleet.transport.http.HttpCoordinator} is the fleet's
 *       {@link dev.fleet.spi.Transport} and its HTTP(S) server (Jetty): machines join with a join token,
 *       heartbeat, long-poll for work and report results; clients use the client (admin) token. Its security
 *       state is journaled with the fleet. {@link dev.fleet.transport.http.FollowerServer} is what a replicated
 *       coordinator serves while it does not lead: it redirects to the leader.
 *   <li><b>The agent</b>: {@link dev.fleet.transport.http.HttpAgent} joins a coordinator as one machine, reports
 *       its signals (load, battery, heat, the owner's presence) read by {@link dev.fleet.transport.http.Probe}s
 *       ({@link dev.fleet.transport.http.Probes#forThisMachine()} picks the built-in ones), and runs the attempts
 *       it receives with a {@link dev.fleet.transport.http.TaskHandler}, which sees each as a
 *       {@link dev.fleet.transport.http.TaskContext}.
 *   <li><b>The remote client</b>: {@link dev.fleet.transport.http.HttpFleetClient} calls the API with the client
 *       token and answers in plain records ({@link dev.fleet.transport.http.RemoteMachine},
 *       {@link dev.fleet.transport.http.RemoteDecision}, {@link dev.fleet.transport.http.TaskSummary},
 *       {@link dev.fleet.transport.http.model.RemoteEvent}, ...). A refusal throws
 *       {@link dev.fleet.transport.http.model.FleetHttpException} with the coordinator's problem type and detail.
 * </ul>
 *
 * <p>Threading: the coordinator, the agent and the client are thread-safe. The coordinator answers requests on
 * its own pool of threads, holds none for a waiting long-poll, and never blocks the fleet's event executor. The
 * agent has one control thread of its own (heartbeats, messages, reports; it reads the probes there, so they
 * must be quick) and one worker thread per slot, on which its {@link dev.fleet.transport.http.TaskHandler} runs
 * attempts concurrently, so a handler must be thread-safe. The client blocks the calling thread until the
 * coordinator answers. Builders are not thread-safe; records are immutable. The subpackage {@code internal} is
 * not API.
 */
package dev.fleet.transport.http;

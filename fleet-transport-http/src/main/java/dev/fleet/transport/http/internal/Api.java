package dev.fleet.transport.http.internal;

import static dev.fleet.transport.http.internal.Responses.JSON;
import static dev.fleet.transport.http.internal.Responses.problem;

import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.transport.http.internal.Credentials.Principal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The {@code /v1} API as one Jetty core handler: the request pipeline that routes ({@link Routes}),
 * authenticates and authorises ({@link Access}), charges the rate limit, reads the body within its limit, and
 * hands the request to the agents' endpoints ({@link MachineEndpoints}) or the clients' ({@link AdminEndpoints}).
 * Long-polls return from {@link #handle} at once and are completed later, by a delivery or a timer, so a waiting
 * agent holds no thread.
 *
 * <p>Thread-safe: called by Jetty's threads concurrently; its state is in thread-safe collaborators.
 */
public final class Api extends Handler.Abstract {
  private static final byte[] EMPTY = new byte[0];

  private final Access access;
  private final RateLimits rates;
  private final Limits limits;
  private final Executor executor;
  private final Joins joins;
  private final Departures departures;
  private final MachineEndpoints machines;
  private final AdminEndpoints admin;
  private final ScopeEndpoints scopes;
  private final java.util.function.Supplier<byte[]> coordinators;
  private final RegistryEndpoints registry;
  private final OpsEndpoints ops;

  /**
   * @param incarnation names this coordinator's run: message numbers count within it, and an agent that sees it
   *     change knows the coordinator restarted and joins again
   * @param joinTokenChanged told of the new join token after a rotation through the API, empty after a revocation
   * @param reads the task listing, task output and event stream endpoints
   * @param coordinators the body of {@code GET /v1/coordinators}, made at each request
   * @param operations what {@code /metrics} and {@code /v1/health/ready} answer
   */
  public Api(Fleet fleet, Credentials credentials, Deliveries deliveries, RateLimits rates, Limits limits,
      Executor executor, Scheduler scheduler, String incarnation, Consumer<Optional<String>> joinTokenChanged,
      ReadEndpoints reads, java.util.function.Supplier<byte[]> coordinators, Operations operations) {
    super(InvocationType.NON_BLOCKING);
    this.ops = new OpsEndpoints(operations);
    this.coordinators = coordinators;
    this.access = new Access(credentials);
    this.rates = rates;
    this.limits = limits;
    this.executor = executor;
    this.joins = new Joins(fleet, credentials, deliveries, limits, new JoinLimits(rates.ticker(), limits.joinRates()),
        incarnation);
    this.departures = new Departures(fleet, joins, executor);
    MachineViews views = new MachineViews(fleet, credentials, deliveries);
    this.machines = new MachineEndpoints(fleet, deliveries, limits, joins,
        new MailboxEndpoints(fleet, deliveries, limits, scheduler, incarnation), views, operations.confirmLeading());
    this.admin = new AdminEndpoints(fleet, credentials, limits, joins, views, reads, joinTokenChanged);
    this.scopes = new ScopeEndpoints(fleet, credentials.scopes(), joins.claims().approvals());
    this.registry = new RegistryEndpoints(fleet, limits);
  }

  /**
   * Handles a request. Jetty calls this on its selector thread (the handler is non-blocking), and the agents'
   * endpoints (heartbeat, poll, started, results) run there to the end: they are short, never wait, and a
   * hand-off to another thread would cost more than they do. Joins and every client endpoint, which may walk
   * the whole fleet, run on the request threads.
   */
  @Override
  public boolean handle(Request request, Response response, Callback jettyCallback) {
    Callback callback = ConnectionBudget.requestArrived(request, HeaderDeadline.requestArrived(request,
        jettyCallback));
    try {
      Routes.Route route = Routes.route(request.getMethod(), Request.getPathInContext(request));
      Principal who;
      try {
        who = access.authenticate(request, route.endpoint());
      } catch (Problem refused) {
        if (refused.status() == 401) {
          // A refused credential costs its address a token, so guessing credentials meets 429 like any flood.
          rates.charge("address:" + Access.address(request));
        }
        throw refused;
      }
      ConnectionBudget.authenticated(request, who);
      rates.charge(who != null ? who.rateKey() : "address:" + Access.address(request));
      Access.authorize(route.endpoint(), who);
      if (route.endpoint().body() == Endpoint.Body.NONE) {
        Runnable endpoint = () -> run(route, () -> dispatch(route, who, EMPTY, request, response, callback), response,
            callback);
        if (hasBody(request)) {
          refuseBody(request, route.endpoint(), response, callback, endpoint);
          return true;
        }
        endpoint.run();
        return true;
      }
      readBody(request, route.endpoint(), (body, failure) -> {
        if (failure != null) {
          closeAfter(response);
          problem(response, callback, failure);
          return;
        }
        run(route, () -> {
          if (StrictBodies.takesNoFields(route.endpoint())) {
            StrictBodies.requireNoFields(route.endpoint(), body);
          }
          dispatch(route, who, body, request, response, callback);
        }, response, callback);
      });
    } catch (Throwable t) {
      if (hasBody(request)) {
        // The body was not read: close rather than leave the client a connection it cannot reuse.
        closeAfter(response);
      }
      problem(response, callback, t);
    }
    return true;
  }

  /** Runs an endpoint here if it is one of the agents' short ones, else on a request thread. */
  private void run(Routes.Route route, Runnable endpoint, Response response, Callback callback) {
    Runnable guarded = () -> {
      try {
        endpoint.run();
      } catch (Throwable t) {
        problem(response, callback, t);
      }
    };
    if (route.endpoint().inline()) {
      guarded.run();
      return;
    }
    try {
      executor.execute(guarded);
    } catch (RuntimeException e) {
      problem(response, callback, new Problem(503, "overloaded", "the coordinator has no thread free to handle "
          + "this request; retry later", 1));
    }
  }

  private void dispatch(Routes.Route route, Principal who, byte[] body, Request request, Response response,
      Callback callback) {
    if (route.endpoint() == Endpoint.PING) {
      Responses.json(response, callback, 200, Map.of("status", "ok"));
    } else if (route.endpoint() == Endpoint.COORDINATORS) {
      Responses.jsonBytes(response, callback, 200, coordinators.get());
    } else if (RegistryEndpoints.serves(route.endpoint())) {
      registry.handle(route, body, response, callback);
    } else if (OpsEndpoints.serves(route.endpoint())) {
      ops.handle(route, request, response, callback);
    } else if (ScopeEndpoints.serves(route.endpoint())) {
      scopes.handle(route, body, response, callback);
    } else if (route.endpoint().forAgents()) {
      machines.handle(route, who, body, request, response, callback);
    } else {
      admin.handle(route, who, body, request, response, callback);
    }
  }

  /** Removes a machine from the fleet and invalidates its credential; false if it was unknown. */
  public boolean removeMachine(MachineId id) {
    return joins.removeMachine(id);
  }

  /**
   * Told of every fleet event, on the fleet's event executor: a machine that left the fleet without the API's
   * removal (pruned, or deregistered by the embedder) loses its credential too.
   */
  public void onFleetEvent(dev.fleet.FleetEvent event) {
    departures.onEvent(event);
  }

  /** Whether a Content-Type is {@code application/json}, with or without parameters such as a charset. */
  static boolean isJson(String contentType) {
    int semi = contentType.indexOf(';');
    String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return mime.equalsIgnoreCase(JSON);
  }

  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  private static void closeAfter(Response response) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
  }

  /** Receives a body or why it could not be read. */
  private interface BodyConsumer {
    void accept(byte[] body, Throwable failure);
  }

  /**
   * Answers a body sent to an endpoint that takes none with a 400, after reading it: an answer sent while the
   * client is still sending can be lost to a reset connection. A chunked body that turns out empty is no body.
   */
  private void refuseBody(Request request, Endpoint endpoint, Response response, Callback callback,
      Runnable ifEmpty) {
    if (request.getLength() > limits.maxBodyBytes()) {
      throw Problem.tooLarge("the body is " + request.getLength() + " bytes; at most " + limits.maxBodyBytes()
          + " are accepted, and " + endpoint.label() + " takes none");
    }
    Content.Source.asByteArrayAsync(request, limits.maxBodyBytes()).whenComplete((bytes, failure) -> {
      if (failure != null) {
        closeAfter(response);
        problem(response, callback, Problem.tooLarge("the body is over " + limits.maxBodyBytes() + " bytes, and "
            + endpoint.label() + " takes none"));
      } else if (bytes.length == 0) {
        ifEmpty.run();
      } else {
        problem(response, callback, StrictBodies.notAllowed(endpoint, bytes.length));
      }
    });
  }

  private void readBody(Request request, Endpoint endpoint, BodyConsumer then) {
    long length = request.getLength();
    if (length > limits.maxBodyBytes()) {
      throw Problem.tooLarge("the body is " + length + " bytes; at most " + limits.maxBodyBytes() + " are accepted");
    }
    if (length == 0 && endpoint.body() == Endpoint.Body.OPTIONAL) {
      then.accept(new byte[0], null);
      return;
    }
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null && endpoint.body() == Endpoint.Body.OPTIONAL && length < 0) {
      type = JSON; // a body-less POST without a length: read what comes, and insist only if something does
    }
    if (type == null || !isJson(type)) {
      throw new Problem(415, "unsupported-media-type", "the body must be application/json, got "
          + (type == null ? "no Content-Type" : "'" + WireMapping.abbreviate(type) + "'"));
    }
    Content.Source.asByteArrayAsync(request, limits.maxBodyBytes()).whenComplete((bytes, failure) -> {
      if (failure != null) {
        String msg = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        then.accept(null, msg.contains("max") || msg.contains("large") || msg.contains("exceed")
            ? Problem.tooLarge("the body is over " + limits.maxBodyBytes() + " bytes, the most accepted")
            : Problem.badRequest("the body could not be read: " + failure.getMessage()));
      } else {
        then.accept(bytes, null);
      }
    });
  }
}

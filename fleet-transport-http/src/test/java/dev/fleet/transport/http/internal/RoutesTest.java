package dev.fleet.transport.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The paths clients build from an {@link Endpoint} are the paths the server routes to that endpoint. */
class RoutesTest {

  @Test
  void everyEndpointsOwnPathRoutesToIt() {
    Set<String> seen = new HashSet<>();
    for (Endpoint e : Endpoint.values()) {
      String[] params = e.template().contains("{") ? new String[] {"x-1"} : new String[0];
      Routes.Route r = Routes.route(e.method().toLowerCase(java.util.Locale.ROOT), "/" + e.path(params));
      assertEquals(e, r.endpoint(), e.template());
      assertEquals(params.length == 0 ? null : "x-1", r.param(), e.template());
      assertTrue(seen.add(e.method() + " " + e.template()), "two endpoints at " + e.method() + " " + e.template());
    }
  }

  @Test
  void aKnownPathWithAnotherMethodNamesTheMethodsAllowed() {
    Problem p = assertThrows(Problem.class, () -> Routes.route("PUT", "/v1/registry"));
    assertEquals(405, p.status());
    assertTrue(p.getMessage().contains("use GET, POST (Allow: GET, POST)"), p.getMessage());
    assertEquals(404, assertThrows(Problem.class, () -> Routes.route("GET", "/v1/tasks/")).status());
    assertThrows(IllegalArgumentException.class, () -> Endpoint.TASK.path());
  }
}

package dev.fleet.transport.http.internal;

/**
 * The body rules every endpoint is held to before it acts: an endpoint that takes no body refuses one, and an
 * action without parameters (cancel, undrain, sleep, rotating the join token) accepts nothing but no body or an
 * empty JSON object {@code {}}. Malformed JSON, another type or any field is a 400 that names what was wrong, so a
 * request its sender got wrong changes nothing. Endpoints with parameters read them strictly themselves
 * ({@link Json#read}: unknown fields, wrong types and trailing data are refused).
 *
 * <p>Stateless and thread-safe.
 */
final class StrictBodies {
  private StrictBodies() {}

  /** The refusal of a body, read to its end so the client hears it, sent to an endpoint that takes none. */
  static Problem notAllowed(Endpoint endpoint, int bytes) {
    return new Problem(400, "body-not-allowed", endpoint.label() + " takes no body, got " + bytes + " bytes; send "
        + "the request without one");
  }

  /** Refuses a body other than none or {@code {}} to an action without parameters. */
  static void requireNoFields(Endpoint endpoint, byte[] body) {
    if (body.length == 0) {
      return;
    }
    try {
      Json.read(body, Wire.NoFields.class);
    } catch (Problem p) {
      throw new Problem(p.status(), p.type(), endpoint.label() + " takes no parameters: send no body or {}; "
          + p.detail());
    }
  }

  /** Whether an endpoint's optional body is an empty object rather than a document of parameters. */
  static boolean takesNoFields(Endpoint endpoint) {
    return endpoint.body() == Endpoint.Body.OPTIONAL && endpoint != Endpoint.DRAIN;
  }
}

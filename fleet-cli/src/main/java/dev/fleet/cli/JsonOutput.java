package dev.fleet.cli;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes what a command prints with {@code -o json}: each document compact, on one line of its own, so that a run
 * prints exactly one document (or, following events, one per line), and reads the API's answers as trees to pass
 * them on with their own field names.
 *
 * <p>Thread-safe: the mapper is.
 */
final class JsonOutput {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonOutput() {}

  /** An empty object to fill. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A document the coordinator sent, as a tree. */
  static JsonNode tree(String json) {
    return MAPPER.readTree(json);
  }

  /** Prints {@code document} on one line and flushes. */
  static void print(PrintWriter out, JsonNode document) {
    out.println(MAPPER.writeValueAsString(document));
    out.flush();
  }
}

package dev.fleet.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/** Type checks on parsed JSON that fail with a {@link RegistryFormatException} naming the location. */
final class Nodes {
  private static final int MAX_SHOWN = 60;

  private Nodes() {}

  /** The JSON form of a string, quotes and escapes included. */
  static String quote(String s) {
    return StringNode.valueOf(s).toString();
  }

  /** A value as it appears in JSON, shortened so one huge value cannot swamp the message. */
  static String describe(JsonNode node) {
    String json = node.toString();
    return json.length() <= MAX_SHOWN ? json : json.substring(0, MAX_SHOWN) + "...";
  }

  static JsonNode required(JsonNode object, String field, Location at) {
    JsonNode value = object.get(field);
    if (value == null) {
      throw at.problem("missing required field " + quote(field));
    }
    return value;
  }

  /** An optional field; an explicit {@code null} counts as absent. */
  static Optional<JsonNode> optional(JsonNode object, String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  /** Fails naming every field not in {@code known}, since a misspelt field must not pass silently. */
  static void rejectUnknown(JsonNode object, List<String> known, Location at) {
    List<String> unknown = new ArrayList<>();
    for (String name : object.propertyNames()) {
      if (!known.contains(name)) {
        unknown.add(quote(name));
      }
    }
    if (!unknown.isEmpty()) {
      throw at.problem((unknown.size() == 1 ? "unknown field " : "unknown fields ")
          + String.join(", ", unknown) + "; expected only " + String.join(", ", known));
    }
  }

  static JsonNode object(JsonNode node, Location at) {
    if (!node.isObject()) {
      throw at.problem("must be an object, got " + describe(node));
    }
    return node;
  }

  static JsonNode array(JsonNode node, Location at) {
    if (!node.isArray()) {
      throw at.problem("must be an array, got " + describe(node));
    }
    return node;
  }

  static String string(JsonNode node, Location at) {
    if (!node.isString()) {
      throw at.problem("must be a string, got " + describe(node));
    }
    return node.stringValue();
  }

  static boolean bool(JsonNode node, Location at) {
    if (!node.isBoolean()) {
      throw at.problem("must be true or false, got " + describe(node));
    }
    return node.booleanValue();
  }

  /**
   * A string, number or boolean as text: owners write {@code "disk_gb": 512} as readily as
   * {@code "disk": "512GB"}, and both are facts the fleet keeps as strings.
   */
  static String scalarText(JsonNode node, Location at) {
    if (node.isString()) {
      return node.stringValue();
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.toString();
    }
    throw at.problem("must be a string, number or boolean, got " + describe(node));
  }

  /**
   * Builds an API value, re-throwing its validation failure with the location in front so the owner
   * knows which entry of the file to fix.
   */
  static <T> T within(Location at, Supplier<T> build) {
    try {
      return build.get();
    } catch (RegistryFormatException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new RegistryFormatException(at.toString(), e.getMessage(), e);
    }
  }
}

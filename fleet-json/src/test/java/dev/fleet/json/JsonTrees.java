package dev.fleet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Compares JSON trees by value and, unlike {@link JsonNode#equals}, by key order too. */
final class JsonTrees {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonTrees() {}

  static JsonNode parse(String json) {
    return MAPPER.readTree(json);
  }

  static void assertSameTree(JsonNode expected, JsonNode actual) {
    assertEquals(expected, actual);
    assertSameKeyOrder(expected, actual, "");
  }

  private static void assertSameKeyOrder(JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      List<String> keys = new ArrayList<>(expected.propertyNames());
      assertEquals(keys, new ArrayList<>(actual.propertyNames()), "key order at '" + path + "'");
      for (String key : keys) {
        assertSameKeyOrder(expected.get(key), actual.get(key), path + "." + key);
      }
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameKeyOrder(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    }
  }
}

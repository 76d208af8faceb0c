package dev.fleet.transport.http.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * The Jackson configuration of the wire format: strict on input (unknown fields, duplicate keys, trailing
 * tokens, scalar coercion and deep nesting are errors), nulls left out on output. Read errors become
 * {@link Problem}s whose detail names the field and what was expected.
 *
 * <p>Thread-safe: the mapper is immutable.
 */
public final class Json {
  /** Deepest nesting accepted; the wire format itself needs 5. */
  public static final int MAX_DEPTH = 32;

  static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(MAX_DEPTH)
              .maxNumberLength(64)
              .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      // A number or boolean where text belongs is a mistake, not something to turn into text.
      .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL)
          .withContentInclusion(JsonInclude.Include.NON_NULL))
      .build();

  /** Readers per type, made once: a reader per call would resolve the type and its deserializer each time. */
  private static final ClassValue<ObjectReader> STRICT = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type);
    }
  };

  private static final ClassValue<ObjectReader> LENIENT = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
  };

  private Json() {}

  /** The document as UTF-8 JSON bytes. */
  public static byte[] write(Object document) {
    return MAPPER.writeValueAsBytes(document);
  }

  /** Reads a coordinator's answer, ignoring fields this version does not know, so newer servers work. */
  public static <T> T readLenient(byte[] body, Class<T> type) {
    return LENIENT.get(type).readValue(body);
  }

  /** The document as a JSON string. */
  public static String writeString(Object document) {
    return MAPPER.writeValueAsString(document);
  }

  /**
   * Reads a JSON object of the given record type.
   *
   * @throws Problem 400 naming what was wrong, if the body is not such an object
   */
  public static <T> T read(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw Problem.malformed("the body is empty; a JSON object is required");
    }
    T value;
    try {
      value = STRICT.get(type).readValue(body);
    } catch (JacksonException e) {
      throw Problem.malformed(describe(e));
    } catch (RuntimeException e) {
      // A value the records' constructors or Jackson's converters refused; still the client's input.
      throw Problem.malformed("the body could not be read: " + e.getMessage());
    }
    if (value == null) {
      throw Problem.malformed("the body is null; a JSON object is required");
    }
    return value;
  }

  /** A sentence saying what is wrong with a document Jackson could not read. */
  static String describe(JacksonException e) {
    String where = path(e.getPath());
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return "unknown field '" + u.getPropertyName() + "'" + (where.isEmpty() ? "" : " at " + where)
          + (known == null || known.isEmpty() ? "" : "; known fields: "
              + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
    }
    if (e instanceof StreamConstraintsException) {
      return "the body exceeds a limit: " + e.getOriginalMessage();
    }
    if (e instanceof MismatchedInputException m) {
      String expected = expected(m.getTargetType());
      String msg = m.getOriginalMessage();
      if (msg != null && msg.startsWith("No content to map")) {
        return "the body is empty; a JSON object is required";
      }
      if (where.isEmpty()) {
        return "the body must be " + expected + at(e.getLocation());
      }
      return "field '" + where + "' must be " + expected + at(e.getLocation());
    }
    if (e instanceof StreamReadException) {
      return "the body is not valid JSON: " + firstLine(e.getOriginalMessage()) + at(e.getLocation());
    }
    return "the body could not be read" + (where.isEmpty() ? "" : " at field '" + where + "'") + ": "
        + firstLine(e.getOriginalMessage());
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  private static String path(List<JacksonException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference r : refs) {
      if (r.getPropertyName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String at(TokenStreamLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}

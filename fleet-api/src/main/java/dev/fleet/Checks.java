package dev.fleet;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Shared validation for the value records; every message names the bad value. */
final class Checks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private Checks() {}

  static String name(String what, String value) {
    Objects.requireNonNull(value, what + " must not be null");
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value
          + "' must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
    }
    return value;
  }

  static String text(String what, String value, int max) {
    Objects.requireNonNull(value, what + " must not be null");
    if (value.length() > max) {
      throw new IllegalArgumentException(what + " is " + value.length() + " characters long; at most " + max + " allowed");
    }
    return value;
  }

  /** An unmodifiable copy that keeps the caller's order, so files round-trip as written. */
  static Set<String> names(String what, Collection<String> values) {
    Objects.requireNonNull(values, what + " must not be null");
    if (values.isEmpty()) {
      return Collections.emptySet(); // shared: every machine and task would otherwise carry an empty set
    }
    if (values instanceof NameSet already) {
      return already; // immutable and checked when it was made
    }
    LinkedHashSet<String> copy = new LinkedHashSet<>();
    for (String v : values) {
      copy.add(name(what, v));
    }
    return new NameSet(copy.toArray(new String[0]));
  }

  static <V> Map<String, V> map(String what, Map<String, V> values) {
    Objects.requireNonNull(values, what + " must not be null");
    if (values.isEmpty()) {
      return Collections.emptyMap(); // shared: an empty copy costs every machine about 90 bytes
    }
    LinkedHashMap<String, V> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (k == null || k.isEmpty()) {
        throw new IllegalArgumentException(what + " has an empty key");
      }
      if (v == null) {
        throw new IllegalArgumentException(what + " '" + k + "' has a null value");
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }

  static double load(String what, double value) {
    if (!(value >= 0.0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + value);
    }
    return value;
  }

  /**
   * As {@link #load(String, double)} with {@code what + " " + owner}, but the message is built only when
   * the value is bad: heartbeats are validated millions of times a second.
   */
  static double load(String what, Object owner, double value) {
    if (!(value >= 0.0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " " + owner + " must be a finite number >= 0, got " + value);
    }
    return value;
  }
}

package dev.fleet;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Shared validation for the value records; every message names the bad value. */
final class Checks {

  private Checks() {}

  static String name(String what, String value) {
    Objects.requireNonNull(value, what + " must not be null");
    if (!isName(value)) {
      throw new IllegalArgumentException(what + " '" + value
          + "' must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
    }
    return value;
  }

  /** Whether it matches {@code [A-Za-z0-9][A-Za-z0-9._:-]{0,127}}; a loop, as it runs for every id read. */
  static boolean isName(String value) {
    int n = value.length();
    if (n == 0 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
      if (!alnum && (i == 0 || c != '.' && c != '_' && c != ':' && c != '-')) {
        return false;
      }
    }
    return true;
  }

  static String text(String what, String value, int max) {
    Objects.requireNonNull(value, what + " must not be null");
    if (value.length() > max) {
      throw new IllegalArgumentException(what + " is " + value.length() + " characters long; at most " + max + " allowed");
    }
    return value;
  }

  // The overloads below take what a value is as {@code what} and {@code owner} and join them ({@code what + " " +
  // owner}) only for a message: a task is checked on every submission, and building a dozen messages for values
  // that are fine was most of what constructing one cost.

  static String name(String what, Object owner, String value) {
    if (value == null) {
      throw new NullPointerException(what + " " + owner + " must not be null");
    }
    return isName(value) ? value : name(what + " " + owner, value);
  }

  static String text(String what, Object owner, String value, int max) {
    if (value == null || value.length() > max) {
      text(what + " " + owner, value, max);
    }
    return value;
  }

  static Set<String> names(String what, Object owner, Collection<String> values) {
    if (values == null) {
      throw new NullPointerException(what + " " + owner + " must not be null");
    }
    for (String v : values) {
      if (v == null || !isName(v)) {
        return names(what + " " + owner, values); // throws, naming the value
      }
    }
    return names(what, values);
  }

  static <T> T nonNull(T value, String what, Object owner, String rest) {
    if (value == null) {
      throw new NullPointerException(what + " " + owner + rest);
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

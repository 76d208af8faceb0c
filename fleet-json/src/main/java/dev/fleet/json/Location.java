package dev.fleet.json;

import java.util.regex.Pattern;

/** A place in the registry JSON, written the way error messages name it: {@code machines[1].specs.ram}; immutable. */
final class Location {
  static final Location TOP = new Location("");

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String path;

  private Location(String path) {
    this.path = path;
  }

  Location field(String name) {
    if (PLAIN_KEY.matcher(name).matches()) {
      return new Location(path.isEmpty() ? name : path + "." + name);
    }
    // Keys with dots, spaces or quotes would make the path ambiguous, so they are quoted.
    return new Location(path + "[" + Nodes.quote(name) + "]");
  }

  Location index(int i) {
    return new Location(path + "[" + i + "]");
  }

  RegistryFormatException problem(String problem) {
    return new RegistryFormatException(toString(), problem);
  }

  @Override
  public String toString() {
    return path.isEmpty() ? "top level" : path;
  }
}

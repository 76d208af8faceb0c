package dev.fleet.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The coordinators' URLs (one, or the list of replicated coordinators) and where the command found them
 * ({@code --coordinator}, {@code FLEET_COORDINATOR}, a key in the config file, the state directory's
 * {@code coordinator.url}, or the default), for messages that must say which coordinators could not be reached
 * and why those were asked.
 *
 * <p>Immutable and thread-safe.
 *
 * @param uris the coordinators' URLs, at least one, in the order to try them
 * @param source where they came from, in words
 */
record CoordinatorAddress(List<URI> uris, String source) {
  CoordinatorAddress {
    uris = List.copyOf(uris);
    Objects.requireNonNull(source, "source");
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("no coordinator URL (from " + source + ")");
    }
  }

  CoordinatorAddress(URI uri, String source) {
    this(List.of(uri), source);
  }

  /**
   * Reads {@code URL} or {@code URL1,URL2,URL3}: each must be http or https with a host.
   *
   * @throws IllegalArgumentException naming the bad URL and where it came from
   */
  static CoordinatorAddress parse(String text, String source) {
    List<URI> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      URI u;
      try {
        u = p.isEmpty() ? null : new URI(p);
      } catch (java.net.URISyntaxException e) {
        u = null;
      }
      String scheme = u == null ? null : u.getScheme();
      if (u == null || scheme == null || !(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException("the coordinator URL '" + p + "' (from " + source + ") is not an "
            + "http:// or https:// URL with a host, such as http://127.0.0.1:7070; give one URL or several "
            + "separated by commas");
      }
      out.add(u);
    }
    return new CoordinatorAddress(out, source);
  }

  /** The first URL. */
  URI uri() {
    return uris.get(0);
  }

  /** Whether there are several coordinators (replicated). */
  boolean several() {
    return uris.size() > 1;
  }

  /** The URLs as a person writes them, without trailing slashes, joined by commas. */
  String display() {
    List<String> out = new ArrayList<>();
    for (URI u : uris) {
      String s = u.toString();
      out.add(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
    return String.join(",", out);
  }

  /** "the coordinator at URL", or "the coordinators at URL,URL". */
  String described() {
    return (several() ? "the coordinators at " : "the coordinator at ") + display();
  }
}

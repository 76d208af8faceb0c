package dev.fleet.cli;

import java.net.URI;
import java.util.Objects;

/**
 * A coordinator's URL and where the command found it ({@code --coordinator}, {@code FLEET_COORDINATOR}, a key in
 * the config file, the state directory's {@code coordinator.url}, or the default), for messages that must say
 * which coordinator could not be reached and why that one was asked.
 *
 * <p>Immutable and thread-safe.
 *
 * @param uri the coordinator's URL
 * @param source where it came from, in words
 */
record CoordinatorAddress(URI uri, String source) {
  CoordinatorAddress {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(source, "source");
  }

  /** The URL as a person writes it, without a trailing slash. */
  String display() {
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}

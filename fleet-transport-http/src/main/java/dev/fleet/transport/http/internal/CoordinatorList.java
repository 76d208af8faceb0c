package dev.fleet.transport.http.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The coordinators a client or agent may ask, and which of them to ask first: the one that answered last (the
 * leader, as far as this client knows), or after a failure the next of the list. A 307 from a follower names the
 * leader, which is added to the list if it is new.
 *
 * <p>Thread-safe: requests in flight at once may each move the current coordinator; the last word wins, which is
 * harmless since any coordinator of the list redirects to the leader.
 */
public final class CoordinatorList {
  private final CopyOnWriteArrayList<URI> urls = new CopyOnWriteArrayList<>();
  private volatile URI current;
  /** The coordinator that last answered; a different one answering is a move to another leader. */
  private volatile URI answered;
  private volatile Consumer<URI> onMove = u -> { };

  /**
   * @param urls the coordinators' URLs, at least one, each http or https; duplicates (also with a trailing slash)
   *     count once
   * @throws IllegalArgumentException naming the URL that is not http(s) with a host, or if there is none
   */
  public CoordinatorList(List<URI> urls) {
    Objects.requireNonNull(urls, "urls");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one coordinator URL is needed, got none");
    }
    for (URI u : urls) {
      URI n = normal(Objects.requireNonNull(u, "coordinator URL"));
      if (!this.urls.contains(n)) {
        this.urls.add(n);
      }
    }
    this.current = this.urls.get(0);
  }

  /** The URL with one trailing slash, so that paths resolve under it. */
  static URI normal(URI u) {
    String scheme = u.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || u.getHost() == null) {
      throw new IllegalArgumentException("coordinator URI '" + u + "' must be http:// or https:// with a host");
    }
    String s = u.toString();
    return URI.create(s.endsWith("/") ? s : s + "/");
  }

  /** Called with the coordinator's URL each time one other than the last to answer answers a request. */
  public void onMove(Consumer<URI> listener) {
    this.onMove = Objects.requireNonNull(listener, "onMove");
  }

  /** The coordinator to ask first now (with a trailing slash). */
  public URI current() {
    return current;
  }

  /** Every URL known, in order: those given, then leaders learned from redirects. */
  public List<URI> all() {
    return List.copyOf(urls);
  }

  public int size() {
    return urls.size();
  }

  /** The coordinator after {@code failed} in the list, wrapping, that is not in {@code tried}; null if none. */
  URI next(URI failed, List<URI> tried) {
    List<URI> list = new ArrayList<>(urls);
    int at = list.indexOf(failed);
    for (int i = 1; i <= list.size(); i++) {
      URI u = list.get(Math.floorMod(at + i, list.size()));
      if (!tried.contains(u)) {
        return u;
      }
    }
    return null;
  }

  /** {@code failed} did not serve a request: the next of the list is asked first from now on. */
  void failed(URI failed) {
    if (failed.equals(current)) {
      URI n = next(failed, List.of(failed));
      if (n != null) {
        current = n;
      }
    }
  }

  /** A follower named {@code leader}: it is asked first from now on. Returns it normalized. */
  URI redirected(URI leader) {
    URI n = normal(leader);
    urls.addIfAbsent(n);
    current = n;
    return n;
  }

  /** {@code uri} answered a request (neither redirected nor failed): it is the coordinator to ask. */
  void answered(URI uri) {
    current = uri;
    URI before = answered;
    answered = uri;
    if (before != null && !before.equals(uri)) {
      onMove.accept(uri);
    }
  }

  /** The URLs as a person writes them: without trailing slashes, joined by commas. */
  public String display() {
    List<String> out = new ArrayList<>();
    for (URI u : urls) {
      out.add(display(u));
    }
    return String.join(",", out);
  }

  /** One URL without its trailing slash. */
  public static String display(URI u) {
    String s = u.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String toString() {
    return display();
  }
}

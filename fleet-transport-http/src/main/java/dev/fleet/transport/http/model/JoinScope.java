package dev.fleet.transport.http.model;

import dev.fleet.MachineId;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a scoped join token lets a machine claim: the role it may have (any, if empty), the only capabilities it
 * may declare, the machine ids it may join as (a glob such as {@code laptop-*}, where {@code *} is any run of
 * characters and {@code ?} one), and what happens to a claim beyond that ({@link ClaimPolicy#REFUSE} or
 * {@link ClaimPolicy#HOLD} for the operator's approval). The token itself is shown once, when it is made.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name how the operator refers to the token, e.g. {@code laptops}
 * @param role the role a machine joining with it must have; empty for any
 * @param capabilities the capabilities a machine joining with it may declare; empty for none
 * @param idPattern the glob its machine ids must match; {@code *} for any
 * @param beyond what happens to a claim beyond the scope: refuse or hold
 */
public record JoinScope(String name, Optional<String> role, Set<String> capabilities, String idPattern,
    ClaimPolicy beyond) {
  /** The most capabilities a scope may list. */
  public static final int MAX_CAPABILITIES = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:*?-]{1,128}");

  /**
   * Checks each part of the scope, naming the bad value, and copies the capabilities.
   *
   * @param name 1-64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter or digit
   * @param role the role machines must have, empty for any; a word of 1-128 letters, digits, {@code .},
   *     {@code _}, {@code :} or {@code -}
   * @param capabilities at most {@link #MAX_CAPABILITIES} words as for the role
   * @param idPattern a glob of 1-128 such characters and the wildcards {@code *} and {@code ?}
   * @param beyond {@link ClaimPolicy#REFUSE} or {@link ClaimPolicy#HOLD}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException naming the bad value: a name, role, capability or pattern of characters
   *     outside those allowed or too long, more than {@link #MAX_CAPABILITIES} capabilities, or {@code beyond}
   *     {@link ClaimPolicy#ACCEPT}
   */
  public JoinScope {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("join token name '" + name + "' must be 1-64 letters, digits, '.', '_' "
          + "or '-', starting with a letter or digit");
    }
    Objects.requireNonNull(role, "role");
    role.ifPresent(r -> word("role", name, r));
    Objects.requireNonNull(capabilities, "capabilities");
    if (capabilities.size() > MAX_CAPABILITIES) {
      throw new IllegalArgumentException("join token '" + name + "' lists " + capabilities.size()
          + " capabilities; at most " + MAX_CAPABILITIES);
    }
    Set<String> caps = new LinkedHashSet<>();
    for (String c : capabilities) {
      caps.add(word("capability", name, c));
    }
    capabilities = java.util.Collections.unmodifiableSet(caps);
    Objects.requireNonNull(idPattern, "idPattern");
    if (!GLOB.matcher(idPattern).matches()) {
      throw new IllegalArgumentException("id pattern '" + idPattern + "' of join token '" + name + "' must be 1-128 "
          + "letters, digits, '.', '_', ':', '-' and the wildcards '*' and '?'");
    }
    Objects.requireNonNull(beyond, "beyond");
    if (beyond == ClaimPolicy.ACCEPT) {
      throw new IllegalArgumentException("join token '" + name + "': beyond must be refuse or hold, not accept (a "
          + "scope that accepts anything is no scope; widen it instead)");
    }
  }

  /**
   * A scope of the given parts.
   *
   * @param name how the operator refers to the token
   * @param role the role a machine joining with it must have, or null for any
   * @param capabilities the capabilities it may declare
   * @param idPattern the glob its machine ids must match
   * @param beyond refuse or hold
   * @return the scope
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static JoinScope of(String name, String role, Collection<String> capabilities, String idPattern,
      ClaimPolicy beyond) {
    return new JoinScope(name, Optional.ofNullable(role), new LinkedHashSet<>(capabilities), idPattern, beyond);
  }

  /**
   * Whether a machine may join as {@code id} with this scope.
   *
   * @param id the machine id it claims
   * @return true if the id matches the scope's id pattern
   */
  public boolean allowsId(MachineId id) {
    return globMatches(idPattern, id.value());
  }

  private static String word(String what, String name, String value) {
    if (value == null || !WORD.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' of join token '" + name + "' must be 1-128 "
          + "letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
    }
    return value;
  }

  /**
   * Whether {@code text} matches the glob, by the classic two-pointer walk that backtracks to the last star.
   *
   * @param glob the pattern; {@code *} is any run of characters, {@code ?} one
   * @param text the text to match, whole
   * @return true if the whole text matches
   */
  static boolean globMatches(String glob, String text) {
    int g = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
        g++;
        t++;
      } else if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        mark = t;
      } else if (star >= 0) {
        g = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }
}

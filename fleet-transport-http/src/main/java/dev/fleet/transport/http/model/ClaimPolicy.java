package dev.fleet.transport.http.model;

import java.util.Locale;

/**
 * What the coordinator does with a machine's claim that goes beyond what it may claim: capabilities or a role
 * outside its join token's scope, or, for a machine that joined with the fleet's own join token, capabilities it
 * adds or a role it changes after its first join.
 *
 * <p>Immutable and thread-safe.
 */
public enum ClaimPolicy {
  /** The claim stands as made (the behaviour before scopes existed). */
  ACCEPT,
  /**
   * The claim waits for the operator ({@code POST /v1/approvals/{machine}}, {@code fleet approve MACHINE}); a new
   * machine is not registered meanwhile, a known one keeps what it was approved with.
   */
  HOLD,
  /** The claim is refused with 403, naming what went beyond; a known machine keeps what it was approved with. */
  REFUSE;

  /**
   * The word it goes by on the wire and the command line.
   *
   * @return the name in lower case, e.g. {@code hold}
   */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The policy a word names, ignoring case and surrounding blanks.
   *
   * @param word {@code accept}, {@code hold} or {@code refuse}
   * @return the policy it names
   * @throws IllegalArgumentException naming the word and the choices, if it names none
   */
  public static ClaimPolicy parse(String word) {
    if (word != null) {
      for (ClaimPolicy p : values()) {
        if (p.word().equalsIgnoreCase(word.trim())) {
          return p;
        }
      }
    }
    throw new IllegalArgumentException("'" + word + "' is not a claim policy; use accept, hold or refuse");
  }
}

package dev.fleet.transport.http.internal;

/**
 * The last {@code capacity} attempt tokens an agent has finished with, so an assignment sent again is not run
 * twice: a ring of tokens in the order they were added and an open-addressing hash set over it, with no object
 * per token. An agent finishes thousands of attempts a second under load, and a set of boxed tokens that each
 * live for many seconds is what a young collection has to copy.
 *
 * <p>Not thread-safe: the agent keeps it on its control thread.
 */
public final class RecentTokens {
  private static final long EMPTY = 0;

  private final long[] ring;
  private final long[] table;
  private final int mask;
  private int next;
  private int size;
  /** Token 0 cannot live in the table, where 0 marks an empty slot. */
  private boolean zero;

  public RecentTokens(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    ring = new long[capacity];
    table = new long[Integer.highestOneBit(capacity) * 4]; // at most half full
    mask = table.length - 1;
  }

  /** Whether the token is among the last {@code capacity} added. */
  public boolean contains(long token) {
    return token == EMPTY ? zero : table[slot(token)] == token;
  }

  /** Adds the token, forgetting the oldest one if it is full; a token present already stays where it is. */
  public void add(long token) {
    if (contains(token)) {
      return;
    }
    if (size == ring.length) {
      remove(ring[next]);
    } else {
      size++;
    }
    ring[next] = token;
    next = next + 1 == ring.length ? 0 : next + 1;
    if (token == EMPTY) {
      zero = true;
    } else {
      table[slot(token)] = token;
    }
  }

  /** How many tokens it holds. */
  public int size() {
    return size;
  }

  private int home(long token) {
    return (int) ((token * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  /** The slot that holds the token, or the empty slot where it would go. */
  private int slot(long token) {
    int i = home(token);
    while (table[i] != EMPTY && table[i] != token) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /** Removes a token known to be present, shifting later entries of its probe run back (no tombstones). */
  private void remove(long token) {
    if (token == EMPTY) {
      zero = false;
      return;
    }
    int hole = slot(token);
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      long t = table[j];
      if (t == EMPTY) {
        break;
      }
      int k = home(t);
      boolean staysPut = hole <= j ? hole < k && k <= j : hole < k || k <= j;
      if (!staysPut) {
        table[hole] = t;
        hole = j;
      }
    }
    table[hole] = EMPTY;
  }
}

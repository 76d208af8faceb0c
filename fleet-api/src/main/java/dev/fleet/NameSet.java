package dev.fleet;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The immutable, ordered set of names a {@link Machine} or {@link Task} holds: an array instead of a
 * linked hash set, because a fleet keeps one per machine and a machine has a handful of capabilities
 * (about 100 bytes instead of about 400 for five).
 *
 * <p>Immutable and thread-safe.
 */
final class NameSet extends AbstractSet<String> {
  /** Above this many names, lookups binary-search a sorted copy instead of scanning. */
  private static final int SCAN_LIMIT = 12;

  private final String[] names;
  /** The names sorted, for sets too large to scan; null otherwise. */
  private final String[] sorted;
  private final int hash;

  /** Takes {@code distinct} as it is: names already checked and without duplicates, in order. */
  NameSet(String[] distinct) {
    this.names = distinct;
    if (distinct.length > SCAN_LIMIT) {
      sorted = distinct.clone();
      Arrays.sort(sorted);
    } else {
      sorted = null;
    }
    int h = 0;
    for (String n : distinct) {
      h += n.hashCode();
    }
    hash = h;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public boolean contains(Object o) {
    if (!(o instanceof String s)) {
      return false;
    }
    if (sorted != null) {
      return Arrays.binarySearch(sorted, s) >= 0;
    }
    for (String n : names) {
      if (n.equals(s)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Iterator<String> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < names.length;
      }

      @Override
      public String next() {
        if (next >= names.length) {
          throw new NoSuchElementException("no name after the last of " + names.length);
        }
        return names[next++];
      }
    };
  }

  @Override
  public Object[] toArray() {
    return Arrays.copyOf(names, names.length, Object[].class);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T[] toArray(T[] a) {
    if (a.length < names.length) {
      return (T[]) Arrays.copyOf(names, names.length, a.getClass());
    }
    System.arraycopy(names, 0, a, 0, names.length);
    if (a.length > names.length) {
      a[names.length] = null;
    }
    return a;
  }

  @Override
  public int hashCode() {
    return hash;
  }
}

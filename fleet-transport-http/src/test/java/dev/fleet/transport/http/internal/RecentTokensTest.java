package dev.fleet.transport.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RecentTokens against a LinkedHashSet that forgets its eldest: same answers after every step. */
class RecentTokensTest {

  @Test
  void remembersExactlyTheLastCapacityTokens() {
    for (int capacity : new int[] {1, 2, 3, 7, 64, 1000}) {
      for (long seed = 0; seed < 5; seed++) {
        Random r = new Random(seed * 31 + capacity);
        RecentTokens tokens = new RecentTokens(capacity);
        LinkedHashSet<Long> model = new LinkedHashSet<>();
        // A small range of values makes repeats, collisions and long probe runs common; 0 and -1 included.
        long range = capacity * 3L + 2;
        for (int step = 0; step < 20_000; step++) {
          long t = r.nextInt(10) == 0 ? (r.nextBoolean() ? 0 : -1) : r.nextLong() % range;
          if (r.nextBoolean()) {
            tokens.add(t);
            if (model.add(t) && model.size() > capacity) {
              model.remove(model.iterator().next());
            }
          }
          assertEquals(model.contains(t), tokens.contains(t), "token " + t + " at step " + step);
          long probe = r.nextLong() % range;
          assertEquals(model.contains(probe), tokens.contains(probe), "probe " + probe + " at step " + step);
          assertEquals(model.size(), tokens.size());
        }
        for (long t = -range; t <= range; t++) {
          assertEquals(model.contains(t), tokens.contains(t), "token " + t + " at the end");
        }
      }
    }
  }

  @Test
  void largeTokensAndTheEldestIsForgotten() {
    RecentTokens tokens = new RecentTokens(3);
    tokens.add(Long.MIN_VALUE);
    tokens.add(Long.MAX_VALUE);
    tokens.add(8127730411L);
    assertTrue(tokens.contains(Long.MIN_VALUE) && tokens.contains(Long.MAX_VALUE) && tokens.contains(8127730411L));
    tokens.add(42);
    assertFalse(tokens.contains(Long.MIN_VALUE));
    assertTrue(tokens.contains(42));
    assertThrows(IllegalArgumentException.class, () -> new RecentTokens(0));
  }
}

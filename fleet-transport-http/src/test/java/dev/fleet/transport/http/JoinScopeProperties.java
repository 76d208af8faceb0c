package dev.fleet.transport.http;

import dev.fleet.transport.http.model.ClaimPolicy;
import dev.fleet.transport.http.model.JoinScope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.MachineId;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A scoped join token's id pattern and the checks its parts pass. */
class JoinScopeProperties {

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().withChars("abcdefgh-.:_0123456789").ofMinLength(0).ofMaxLength(20)
        .map(s -> "m" + s);
  }

  private static JoinScope scope(String pattern) {
    return JoinScope.of("t", null, List.of(), pattern, ClaimPolicy.REFUSE);
  }

  @Property
  void aPatternWithoutWildcardsMatchesOnlyItself(@ForAll("ids") String id, @ForAll("ids") String other) {
    JoinScope s = scope(id);
    assertTrue(s.allowsId(new MachineId(id)));
    assertEquals(id.equals(other), s.allowsId(new MachineId(other)));
  }

  @Property
  void aStarMatchesAnyRunOfCharacters(@ForAll("ids") String prefix, @ForAll("ids") String middle,
      @ForAll("ids") String suffix) {
    assertTrue(scope(prefix + "*" + suffix).allowsId(new MachineId(prefix + middle + suffix)));
    assertTrue(scope(prefix + "*").allowsId(new MachineId(prefix + middle)));
    assertTrue(scope("*").allowsId(new MachineId(middle)));
  }

  @Property
  void aPatternMatchesExactlyWhatItsRegularExpressionMatches(@ForAll("globs") String glob, @ForAll("ids") String id) {
    String regex = glob.replace(".", "\\.").replace("?", ".").replace("*", ".*");
    assertEquals(id.matches(regex), scope(glob).allowsId(new MachineId(id)), glob + " vs " + id);
  }

  @Provide
  Arbitrary<String> globs() {
    return Arbitraries.strings().withChars("mab-*?").ofMinLength(1).ofMaxLength(8);
  }

  @Example
  void laptopsButNotDesks() {
    JoinScope s = scope("laptop-*");
    assertTrue(s.allowsId(new MachineId("laptop-3")));
    assertTrue(s.allowsId(new MachineId("laptop-")));
    assertFalse(s.allowsId(new MachineId("desk-1")));
    assertFalse(s.allowsId(new MachineId("my-laptop-1")));
    assertTrue(scope("laptop-?").allowsId(new MachineId("laptop-3")));
    assertFalse(scope("laptop-?").allowsId(new MachineId("laptop-33")));
  }

  @Example
  void badPartsAreRefusedNamingTheValue() {
    for (Runnable bad : List.<Runnable>of(
        () -> JoinScope.of("x y", null, List.of(), "*", ClaimPolicy.HOLD),
        () -> JoinScope.of("t", "bad role", List.of(), "*", ClaimPolicy.HOLD),
        () -> JoinScope.of("t", null, List.of("gp u"), "*", ClaimPolicy.HOLD),
        () -> JoinScope.of("t", null, List.of(), "a/b", ClaimPolicy.HOLD),
        () -> JoinScope.of("t", null, List.of(), "*", ClaimPolicy.ACCEPT))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
      assertTrue(e.getMessage().matches("(?s).*('x y'|'bad role'|'gp u'|'a/b'|accept).*"), e.getMessage());
    }
    assertEquals(ClaimPolicy.HOLD, ClaimPolicy.parse(" Hold "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ClaimPolicy.parse("maybe")).getMessage()
        .contains("'maybe'"));
  }
}

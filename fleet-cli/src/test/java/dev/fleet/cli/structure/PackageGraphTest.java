package dev.fleet.cli.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The cycle finder and the class file reader behind {@link PackageCyclesTest}, on graphs and classes made here. */
class PackageGraphTest {

  @Test
  void findsTheCycleAndNothingElse() {
    PackageGraph g = PackageGraph.of(Map.of(
        "a", List.of("b"),
        "b", List.of("c"),
        "c", List.of("a", "d"),
        "d", List.of("e"),
        "e", List.of()));
    assertEquals(List.of(sorted("a", "b", "c")), g.cycles());
    assertEquals("\n    a -> b\n    b -> c\n    c -> a", g.explain(sorted("a", "b", "c")));
  }

  @Test
  void findsEachCycleOfSeveral() {
    PackageGraph g = PackageGraph.of(Map.of(
        "api", List.of(),
        "http", List.of("http.internal", "api"),
        "http.internal", List.of("http"),
        "raft", List.of("raft.internal"),
        "raft.internal", List.of("raft", "api")));
    assertEquals(List.of(sorted("http", "http.internal"), sorted("raft", "raft.internal")), g.cycles());
  }

  @Test
  void anAcyclicGraphPasses() {
    PackageGraph g = PackageGraph.of(Map.of(
        "cli", List.of("core", "json", "api"),
        "core", List.of("api", "core.internal"),
        "core.internal", List.of("api"),
        "json", List.of("api"),
        "api", List.of()));
    assertEquals(List.of(), g.cycles());
  }

  @Test
  void aPackageUsingItselfIsNoCycle() {
    assertEquals(List.of(), PackageGraph.of(Map.of("a", List.of("a", "b"), "b", List.of())).cycles());
  }

  @Test
  void aLongCycleIsFoundWhole() {
    PackageGraph g = PackageGraph.of(Map.of(
        "p1", List.of("p2"), "p2", List.of("p3"), "p3", List.of("p4"), "p4", List.of("p5"), "p5", List.of("p1")));
    assertEquals(List.of(sorted("p1", "p2", "p3", "p4", "p5")), g.cycles());
  }

  /** Only used in a signature and as a type argument: no code of the class loads either type. */
  @SuppressWarnings("unused")
  private abstract static class Fixture {
    abstract List<Duration> waits(Thread.State state);
  }

  @Test
  void aClassRefersToTheTypesOfItsSignaturesToo() throws Exception {
    ClassReferences r;
    try (InputStream in = PackageGraphTest.class.getResourceAsStream("PackageGraphTest$Fixture.class")) {
      r = ClassReferences.read(in);
    }
    assertEquals("dev/fleet/cli/structure/PackageGraphTest$Fixture", r.self);
    assertTrue(r.referenced.containsAll(Set.of("java/time/Duration", "java/lang/Thread$State", "java/util/List")),
        r.referenced.toString());
    assertEquals("dev.fleet.cli.structure", ClassReferences.packageOf(r.self));
    assertEquals("", ClassReferences.packageOf("TopLevel"));
  }

  private static SortedSet<String> sorted(String... packages) {
    return new TreeSet<>(List.of(packages));
  }
}

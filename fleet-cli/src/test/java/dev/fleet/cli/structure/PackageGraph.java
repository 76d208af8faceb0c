package dev.fleet.cli.structure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which package depends on which, among a set of packages, with the class-to-class references behind each
 * dependency; and the cycles among them (the strongly connected components of more than one package).
 * Built once, then only read.
 */
final class PackageGraph {
  /** A few class references per package dependency are enough to show a reader where to look. */
  private static final int EXAMPLES = 3;

  /** Every package of the graph, and the other packages of the graph it depends on. */
  private final Map<String, SortedSet<String>> dependencies = new TreeMap<>();
  /** For "a -> b", some "a.X -> b.Y" references that make the dependency. */
  private final Map<String, SortedSet<String>> examples = new HashMap<>();

  private PackageGraph() {}

  /** A graph given as each package's dependencies (for testing the cycle finder on a hand-made graph). */
  static PackageGraph of(Map<String, ? extends Collection<String>> dependencies) {
    PackageGraph g = new PackageGraph();
    dependencies.forEach((from, tos) -> {
      g.dependencies.computeIfAbsent(from, k -> new TreeSet<>());
      tos.forEach(to -> g.dependencies.computeIfAbsent(to, k -> new TreeSet<>()));
    });
    dependencies.forEach((from, tos) -> tos.forEach(to -> g.add(from, to, null)));
    return g;
  }

  /**
   * The graph of the packages in these class path roots (class directories or jars), counting only references
   * between them: a package's dependencies on anything else (the JDK, libraries) are left out.
   */
  static PackageGraph ofClasses(Collection<Path> roots) {
    List<ClassReferences> classes = new ArrayList<>();
    for (Path root : roots) {
      classes.addAll(readAll(root));
    }
    PackageGraph g = new PackageGraph();
    for (ClassReferences c : classes) {
      g.dependencies.computeIfAbsent(ClassReferences.packageOf(c.self), k -> new TreeSet<>());
    }
    for (ClassReferences c : classes) {
      for (String target : c.referenced) {
        if (g.dependencies.containsKey(ClassReferences.packageOf(target))) {
          g.add(ClassReferences.packageOf(c.self), ClassReferences.packageOf(target),
              c.self.replace('/', '.') + " -> " + target.replace('/', '.'));
        }
      }
    }
    return g;
  }

  private void add(String from, String to, String example) {
    if (from.equals(to)) {
      return;
    }
    dependencies.get(from).add(to);
    SortedSet<String> e = examples.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>());
    if (example != null) {
      e.add(example);
    }
  }

  /** Every package of the graph, sorted. */
  Set<String> packages() {
    return dependencies.keySet();
  }

  /**
   * The package cycles: each set of packages that all reach one another (a strongly connected component of
   * more than one package), sorted; empty if the graph has no cycle. Tarjan's algorithm.
   */
  List<SortedSet<String>> cycles() {
    Tarjan t = new Tarjan();
    for (String p : dependencies.keySet()) {
      if (!t.index.containsKey(p)) {
        t.visit(p);
      }
    }
    t.components.sort((a, b) -> a.first().compareTo(b.first()));
    return t.components;
  }

  /**
   * One line per dependency inside {@code cycle}, each with a few of the references that make it, e.g.
   * {@code dev.fleet.a -> dev.fleet.b (dev.fleet.a.X -> dev.fleet.b.Y)}.
   */
  String explain(SortedSet<String> cycle) {
    StringBuilder out = new StringBuilder();
    for (String from : cycle) {
      for (String to : dependencies.get(from)) {
        if (cycle.contains(to)) {
          SortedSet<String> e = examples.get(from + " -> " + to);
          out.append("\n    ").append(from).append(" -> ").append(to);
          if (!e.isEmpty()) {
            out.append(" (").append(String.join(", ", e.stream().limit(EXAMPLES).toList()))
                .append(e.size() > EXAMPLES ? ", and " + (e.size() - EXAMPLES) + " more" : "").append(')');
          }
        }
      }
    }
    return out.toString();
  }

  private static List<ClassReferences> readAll(Path root) {
    if (Files.isDirectory(root)) {
      return readTree(root);
    }
    try (FileSystem jar = FileSystems.newFileSystem(root)) {
      return readTree(jar.getPath("/"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + root, e);
    }
  }

  private static List<ClassReferences> readTree(Path root) {
    List<ClassReferences> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName() == null ? "" : f.getFileName().toString();
        // module-info belongs to no package; META-INF/versions holds other releases' copies of the same classes.
        if (name.endsWith(".class") && !name.equals("module-info.class")
            && !root.relativize(f).toString().startsWith("META-INF")) {
          try (InputStream in = Files.newInputStream(f)) {
            out.add(ClassReferences.read(in));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + " in " + root, e);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    return out;
  }

  /** One run of Tarjan's strongly-connected-components algorithm over this graph (recursive: graphs are small). */
  private final class Tarjan {
    final Map<String, Integer> index = new HashMap<>();
    final Map<String, Integer> lowLink = new HashMap<>();
    final Deque<String> stack = new ArrayDeque<>();
    final Set<String> onStack = new TreeSet<>();
    final List<SortedSet<String>> components = new ArrayList<>();

    void visit(String p) {
      int i = index.size();
      index.put(p, i);
      lowLink.put(p, i);
      stack.push(p);
      onStack.add(p);
      for (String q : dependencies.get(p)) {
        if (!index.containsKey(q)) {
          visit(q);
          lowLink.put(p, Math.min(lowLink.get(p), lowLink.get(q)));
        } else if (onStack.contains(q)) {
          lowLink.put(p, Math.min(lowLink.get(p), index.get(q)));
        }
      }
      if (lowLink.get(p).equals(index.get(p))) {
        SortedSet<String> component = new TreeSet<>();
        String q;
        do {
          q = stack.pop();
          onStack.remove(q);
          component.add(q);
        } while (!q.equals(p));
        if (component.size() > 1) {
          components.add(component);
        }
      }
    }
  }
}

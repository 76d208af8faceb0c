package dev.fleet.cli.structure;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No package of the Fleet library modules depends, through other packages, on itself: a cycle ties packages
 * together so that none can be understood, changed or split off without the others.
 *
 * <p>Checks the library modules on fleet-cli's test class path, which has every one of them (fleet-testing in
 * test scope for this test): fleet-api, fleet-core, fleet-json, fleet-raft, fleet-testing, fleet-transport-http
 * and fleet-micrometer, as class directories in a reactor build or as jars. fleet-cli's own
 * classes are left out: it is an application on the class path, not a library.
 */
class PackageCyclesTest {
  /** The library modules fleet-cli depends on; the test fails if one is missing, so it cannot pass vacuously. */
  private static final Set<String> EXPECTED = Set.of(
      "fleet-api", "fleet-core", "fleet-json", "fleet-raft", "fleet-testing", "fleet-transport-http",
      "fleet-micrometer");
  /** {@code .../fleet-json/target/classes} or {@code fleet-json-0.1.0-SNAPSHOT.jar}. */
  private static final Pattern CLASSES_DIR = Pattern.compile(".*/(fleet-[a-z-]+)/target/classes/?");
  private static final Pattern JAR = Pattern.compile("(fleet-[a-z-]+?)-\\d.*\\.jar");

  @Test
  void theLibraryModulesHaveNoPackageCycle() throws Exception {
    TreeMap<String, Path> modules = libraryModules();
    assertTrue(modules.keySet().containsAll(EXPECTED),
        "expected the library modules " + new TreeSet<>(EXPECTED) + " on the test class path, found " + modules);

    PackageGraph graph = PackageGraph.ofClasses(modules.values());
    assertTrue(graph.packages().contains("dev.fleet.core"), "no class read from " + modules);
    List<SortedSet<String>> cycles = graph.cycles();
    if (!cycles.isEmpty()) {
      StringBuilder message = new StringBuilder(cycles.size() + " package cycle(s) among " + modules.keySet() + ":");
      for (SortedSet<String> cycle : cycles) {
        message.append("\n  ").append(String.join(" <-> ", cycle)).append(graph.explain(cycle));
      }
      fail(message.toString());
    }
  }

  /**
   * The class path roots holding Fleet classes, by module, except fleet-cli's own main and test classes.
   */
  private static TreeMap<String, Path> libraryModules() throws IOException, URISyntaxException {
    TreeMap<String, Path> modules = new TreeMap<>();
    for (URL url : Collections.list(PackageCyclesTest.class.getClassLoader().getResources("dev/fleet"))) {
      Path root = root(url);
      String name = moduleName(root);
      if (name != null && !name.equals("fleet-cli")) {
        modules.put(name, root);
      }
    }
    return modules;
  }

  private static Path root(URL dirUrl) throws IOException, URISyntaxException {
    if (dirUrl.getProtocol().equals("jar")) {
      return Path.of(((JarURLConnection) dirUrl.openConnection()).getJarFileURL().toURI());
    }
    return Path.of(dirUrl.toURI()).getParent().getParent(); // .../classes/dev/fleet -> .../classes
  }

  /** The artifact a class path root belongs to, or null for one this test does not recognise. */
  private static String moduleName(Path root) {
    Matcher dir = CLASSES_DIR.matcher(root.toString().replace('\\', '/'));
    if (dir.matches()) {
      return dir.group(1);
    }
    Matcher jar = JAR.matcher(root.getFileName().toString());
    return jar.matches() ? jar.group(1) : null;
  }
}

package dev.fleet.transport.http.internal;

import static dev.fleet.transport.http.internal.Responses.json;

import dev.fleet.Fleet;
import dev.fleet.json.RegistryEntry;
import dev.fleet.json.RegistryFormatException;
import dev.fleet.json.RegistryJson;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The registry in the seed's file format: {@code GET /v1/registry} gives the live one ({@link RegistryJson#live}),
 * {@code POST /v1/registry} registers the machines of one that the fleet does not have yet, each with the time it
 * was last heard, all or none: every entry is checked before the first is registered.
 *
 * <p>Thread-safe: stateless beyond thread-safe collaborators.
 */
final class RegistryEndpoints {
  private final Fleet fleet;
  private final Limits limits;

  RegistryEndpoints(Fleet fleet, Limits limits) {
    this.fleet = fleet;
    this.limits = limits;
  }

  /** Whether the endpoint is one of these. */
  static boolean serves(Endpoint endpoint) {
    return endpoint == Endpoint.REGISTRY || endpoint == Endpoint.IMPORT_REGISTRY;
  }

  void handle(Routes.Route route, byte[] body, Response response, Callback callback) {
    if (route.endpoint() == Endpoint.REGISTRY) {
      Responses.jsonBytes(response, callback, 200,
          RegistryJson.live(fleet.registry().list()).getBytes(StandardCharsets.UTF_8));
    } else {
      json(response, callback, 200, importRegistry(body));
    }
  }

  private Wire.RegistryImportDto importRegistry(byte[] body) {
    List<RegistryEntry> entries;
    try {
      entries = RegistryJson.read(new ByteArrayInputStream(body));
    } catch (RegistryFormatException e) {
      throw new Problem(400, "bad-registry", "nothing was imported: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw Problem.badRequest("nothing was imported: the body could not be read: " + e.getMessage());
    }
    List<RegistryEntry> fresh = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      RegistryEntry e = entries.get(i);
      if (fleet.registry().get(e.id()).isPresent()) {
        skipped.add(e.id().value());
        continue;
      }
      try {
        fleet.registry().check(e.machine());
      } catch (IllegalArgumentException bad) {
        throw new Problem(400, "bad-registry", "nothing was imported: machines[" + i + "] ('" + e.id() + "'): "
            + bad.getMessage());
      }
      fresh.add(e);
    }
    int size = fleet.registry().size();
    if (size + fresh.size() > limits.maxMachines()) {
      throw Problem.conflict("fleet-full", "nothing was imported: the fleet has " + size + " machines and may hold "
          + limits.maxMachines() + ", so the " + fresh.size() + " new ones of this registry do not fit");
    }
    List<String> imported = new ArrayList<>();
    fleet.batch(() -> {
      for (RegistryEntry e : fresh) {
        try {
          fleet.registry().register(e.machine(), e.status(), e.currentLoad(), e.lastHeartbeat());
          imported.add(e.id().value());
        } catch (IllegalStateException taken) {
          skipped.add(e.id().value()); // joined meanwhile
        }
      }
      return null;
    });
    return new Wire.RegistryImportDto(imported, skipped);
  }
}

package dev.fleet.transport.http.internal;

import dev.fleet.transport.http.model.Coordinators;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The JSON of {@code GET /v1/coordinators}. Written by hand rather than through the wire mapper, which leaves
 * nulls out: the protocol says {@code "leader": null} while an election is under way.
 *
 * <p>Stateless and thread-safe.
 */
public final class CoordinatorsJson {
  private CoordinatorsJson() {}

  /** The document for {@code view}, as UTF-8 bytes. */
  public static byte[] bytes(Coordinators view) {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"self\":").append(Json.writeString(view.self()))
        .append(",\"leader\":").append(view.leader().map(Json::writeString).orElse("null"))
        .append(",\"term\":").append(view.term())
        .append(",\"coordinators\":[");
    for (int i = 0; i < view.nodes().size(); i++) {
      Coordinators.Node n = view.nodes().get(i);
      sb.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.writeString(n.name()))
          .append(",\"url\":").append(Json.writeString(n.url().toString()))
          .append(",\"role\":").append(Json.writeString(n.role().name().toLowerCase(Locale.ROOT))).append('}');
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}

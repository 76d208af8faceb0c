package dev.fleet.transport.http.internal;

import dev.fleet.Attempt;
import dev.fleet.Fleet;
import dev.fleet.MachineId;
import dev.fleet.TaskState;
import dev.fleet.TaskStatus;
import dev.fleet.spi.Ticker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/tasks?state=S&machine=M&capability=C&limit=N}: the tasks the fleet knows (live and remembered
 * finished ones, {@link dev.fleet.Dispatcher#tasks()}), filtered, in submission order, as summaries without
 * payloads. A bad filter value is a 400 that names it; an unknown parameter too, so a typo is not read as "no
 * filter".
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
public final class TaskListing {
  /** Tasks answered when the request names no limit. */
  public static final int DEFAULT_LIMIT = 1000;
  /** The largest limit a request may ask for. */
  public static final int MAX_LIMIT = 10_000;
  private static final Set<String> PARAMETERS = Set.of("state", "machine", "capability", "limit");
  private static final String STATES = Arrays.stream(TaskState.values()).map(TaskListing::word)
      .collect(Collectors.joining(", "));

  private final Fleet fleet;
  private final Ticker ticker;

  /** @param ticker the fleet's time source, to tell how long ago attempts were dispatched */
  public TaskListing(Fleet fleet, Ticker ticker) {
    this.fleet = fleet;
    this.ticker = ticker;
  }

  /** The listing a query asks for; the filters are checked before the fleet is read. */
  public Wire.TaskListDto list(Fields query) {
    for (String name : query.getNames()) {
      if (!PARAMETERS.contains(name)) {
        throw Problem.badRequest("unknown query parameter '" + WireMapping.abbreviate(name) + "'; GET /v1/tasks "
            + "takes state, machine, capability and limit");
      }
    }
    Set<TaskState> states = states(query.getValues("state"));
    MachineId machine = single(query, "machine") == null ? null
        : WireMapping.input(() -> new MachineId(single(query, "machine")));
    String capability = single(query, "capability");
    if (capability != null && (capability.isBlank() || capability.length() > 100)) {
      throw Problem.badRequest("query parameter 'capability' must be a capability name, got '"
          + WireMapping.abbreviate(capability) + "'");
    }
    int limit = limit(single(query, "limit"));

    List<TaskStatus> matching = new ArrayList<>();
    for (TaskStatus s : fleet.dispatcher().tasks()) {
      if ((states.isEmpty() || states.contains(s.state()))
          && (machine == null || s.machine().map(machine::equals).orElse(false))
          && (capability == null || s.task().requires().contains(capability))) {
        matching.add(s);
      }
    }
    long now = ticker.read();
    List<Wire.TaskSummaryDto> out = new ArrayList<>(Math.min(limit, matching.size()));
    // The newest are what a person looks for; they stay in submission order.
    for (TaskStatus s : matching.subList(Math.max(0, matching.size() - limit), matching.size())) {
      out.add(summary(s, now));
    }
    return new Wire.TaskListDto(out, matching.size());
  }

  private static Wire.TaskSummaryDto summary(TaskStatus s, long now) {
    List<Attempt> attempts = s.attempts();
    Long since = attempts.isEmpty() ? null
        : Math.max(0, (now - attempts.get(attempts.size() - 1).dispatchedAtNanos()) / 1_000_000);
    return new Wire.TaskSummaryDto(s.id().value(), s.task().title(), word(s.state()),
        s.machine().map(MachineId::value).orElse(null), s.attempt(), s.task().maxAttempts(),
        s.task().priority().name().toLowerCase(Locale.ROOT), List.copyOf(s.task().requires()),
        s.task().role().orElse(null), since, s.result().map(r -> r.succeeded()).orElse(null),
        s.result().map(r -> r.output().size()).orElse(null), s.why().summary());
  }

  static String word(TaskState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /** The states named, each value a state or a comma-separated list of them, in any case. */
  private static Set<TaskState> states(List<String> values) {
    Set<TaskState> out = EnumSet.noneOf(TaskState.class);
    for (String v : values == null ? List.<String>of() : values) {
      for (String one : v.split(",", -1)) {
        String word = one.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
          out.add(TaskState.valueOf(word));
        } catch (IllegalArgumentException e) {
          throw Problem.badRequest("query parameter 'state' must be one of " + STATES + " (or several, comma "
              + "separated), got '" + WireMapping.abbreviate(one) + "'");
        }
      }
    }
    return out;
  }

  private static String single(Fields query, String name) {
    List<String> values = query.getValues(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw Problem.badRequest("query parameter '" + name + "' may be given once, got " + values.size() + " values");
    }
    return values.get(0);
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest("query parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '"
        + WireMapping.abbreviate(text) + "'");
  }
}

package dev.fleet.transport.http;

import dev.fleet.Machine;
import dev.fleet.spi.Ticker;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * What an {@link HttpAgent.Builder} was told, checked and complete: the machine as it joins (with its
 * {@code slots} label) and every option the agent's parts are made from. Null where an option was not given and
 * has no default ({@code joinToken}, {@code joinKey}, {@code credential}, {@code onCredential}, {@code sslContext}).
 *
 * <p>Immutable apart from the callbacks and probes it carries; made on the builder's thread and handed to
 * {@link AgentParts}.
 *
 * @param coordinators the coordinators' URIs, checked, at least one
 * @param machine the registration the agent joins with, its {@code slots} label set
 * @param slotCount how many attempts run at once, in [1, {@link #MAX_SLOTS}]
 * @param joinToken the fleet's join token, or null to join with {@code credential} only
 * @param joinKey the secret a join-token join presents, or null for a new random one
 * @param credential a credential saved from an earlier run, or null
 * @param onCredential told each new credential on the control thread, or null
 * @param handler what runs the tasks
 * @param probes the probes whose signals go into every heartbeat
 * @param ticker the time source for backoff, leases and the leave grace
 * @param wallClock read beside the ticker to notice a sleep
 * @param asleep true while the machine announced sleep some other way
 * @param sslContext the TLS context for https coordinators, or null for the default
 * @param minBackoff the first retry delay after a failure
 * @param maxBackoff the longest retry delay
 * @param requestTimeout how long one request may take
 */
record AgentSettings(List<URI> coordinators, Machine machine, int slotCount, String joinToken, String joinKey,
    String credential, Consumer<String> onCredential, TaskHandler handler, List<Probe> probes, Ticker ticker,
    InstantSource wallClock, BooleanSupplier asleep, SSLContext sslContext, Duration minBackoff, Duration maxBackoff,
    Duration requestTimeout) {

  /**
   * The label that tells the coordinator how many attempts the machine runs at once (the engine's
   * {@code Machine.LABEL_SLOTS}).
   */
  static final String SLOTS_LABEL = "slots";

  /** The most slots an agent runs. */
  static final int MAX_SLOTS = 1024;

  /**
   * Copies the lists, so later changes to the builder's do not reach the agent.
   *
   * @param coordinators the coordinators' URIs, checked, at least one
   * @param machine the registration the agent joins with, its {@code slots} label set
   * @param slotCount how many attempts run at once
   * @param joinToken the fleet's join token, or null
   * @param joinKey the secret a join-token join presents, or null for a new random one
   * @param credential a credential saved from an earlier run, or null
   * @param onCredential told each new credential, or null
   * @param handler what runs the tasks
   * @param probes the probes whose signals go into every heartbeat
   * @param ticker the time source
   * @param wallClock read beside the ticker to notice a sleep
   * @param asleep true while the machine announced sleep some other way
   * @param sslContext the TLS context, or null for the default
   * @param minBackoff the first retry delay
   * @param maxBackoff the longest retry delay
   * @param requestTimeout how long one request may take
   */
  AgentSettings {
    coordinators = List.copyOf(coordinators);
    probes = List.copyOf(probes);
  }

  /**
   * How many slots an agent for {@code machine} runs: its {@code slots} label if it has one, else {@code asked},
   * else half the cores.
   *
   * @param machine the machine as given to the builder
   * @param asked what {@link HttpAgent.Builder#slots(int)} was given, or null
   * @return the slot count, in [1, 1024]
   * @throws IllegalArgumentException if the label is not a whole number in [1, 1024], or disagrees with
   *     {@code asked}
   */
  static int slotCount(Machine machine, Integer asked) {
    String label = machine.labels().get(SLOTS_LABEL);
    if (label == null) {
      return asked != null ? asked : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
    int labelled = parseSlots(machine, label);
    if (asked != null && asked != labelled) {
      throw new IllegalArgumentException("machine " + machine.id() + " has label " + SLOTS_LABEL + "=" + label
          + " but the agent was given slots(" + asked + "); give one or make them agree");
    }
    return labelled;
  }

  /**
   * The machine as it joins.
   *
   * @param machine the machine as given to the builder
   * @param count the agent's slot count
   * @return the machine with its {@code slots} label set to {@code count}, unless it had one
   */
  static Machine joinsAs(Machine machine, int count) {
    return machine.labels().containsKey(SLOTS_LABEL) ? machine
        : machine.withLabel(SLOTS_LABEL, Integer.toString(count));
  }

  private static int parseSlots(Machine machine, String label) {
    try {
      int n = Integer.parseInt(label.trim());
      if (n >= 1 && n <= MAX_SLOTS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("machine " + machine.id() + " has label " + SLOTS_LABEL + "='" + label
        + "'; it must be a whole number in [1, 1024]");
  }
}

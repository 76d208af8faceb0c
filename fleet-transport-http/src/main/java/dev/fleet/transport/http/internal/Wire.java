package dev.fleet.transport.http.internal;

import java.util.List;
import java.util.Map;

/**
 * The JSON documents of the {@code /v1} API, as records Jackson reads and writes. Fields a client may
 * leave out are boxed and may be null; {@link WireMapping} checks them and turns them into Fleet's values.
 * Tokens travel as strings of unsigned decimal digits, so clients whose numbers are doubles keep them exact.
 *
 * <p>Immutable and thread-safe.
 */
public final class Wire {
  private Wire() {}

  /** A machine's registration. */
  public record MachineDto(String id, String hostname, String role, List<String> capabilities, SpecsDto specs,
      Map<String, String> labels) {}

  /** A machine's hardware; every field optional. */
  public record SpecsDto(String ram, String chip, Boolean gpu, Integer cores, Map<String, String> extra) {}

  /**
   * {@code POST /v1/join}: the machine that joins. {@code joinKey} (optional) is a secret the agent makes once
   * and presents with every join-token join, so a join whose answer was lost can be retried; {@code running}
   * (optional, on a reconnect) lists the attempts the agent runs, so the coordinator can stop those that are
   * no longer current.
   */
  public record JoinRequest(MachineDto machine, String joinKey, List<StartedItem> running) {
    public JoinRequest(MachineDto machine) {
      this(machine, null, null);
    }
  }

  /**
   * The answer to a join: the machine's credential, the heartbeat settings it must keep, the cursor to
   * acknowledge from, the coordinator's incarnation (it changes when the coordinator restarts, and with it the
   * numbering of messages), and which of the reported running attempts to stop. {@code held} (absent if nothing)
   * says what of the machine's claim waits for the operator's approval, and what it has until then.
   */
  public record JoinResponse(String machine, String credential, boolean reconnected, long heartbeatIntervalMillis,
      long suspectAfterMillis, long offlineAfterMillis, long maxPollWaitMillis, long cursor, String incarnation,
      List<WithdrawnItem> withdrawn, String held) {
    public JoinResponse(String machine, String credential, boolean reconnected, long heartbeatIntervalMillis,
        long suspectAfterMillis, long offlineAfterMillis, long maxPollWaitMillis, long cursor, String incarnation,
        List<WithdrawnItem> withdrawn) {
      this(machine, credential, reconnected, heartbeatIntervalMillis, suspectAfterMillis, offlineAfterMillis,
          maxPollWaitMillis, cursor, incarnation, withdrawn, null);
    }
  }

  /** An attempt the agent reported running that it must stop, and why. */
  public record WithdrawnItem(String task, String token, String reason) {}

  /** Power, heat and owner activity; every field optional. */
  public record SignalsDto(Boolean onBattery, Integer batteryPercent, Boolean throttled, Long ownerIdleMillis,
      Map<String, Double> metrics) {}

  /**
   * {@code POST /v1/heartbeat}. The machine is the caller; {@code ack} is the last message sequence the agent
   * has received, so the coordinator can forget older messages; {@code incarnation} (optional) is the
   * coordinator incarnation that numbering belongs to: an ack from another incarnation is ignored.
   */
  public record HeartbeatRequest(Long sequence, Double load, SignalsDto signals, Long ack, String incarnation) {
    public HeartbeatRequest(Long sequence, Double load, SignalsDto signals, Long ack) {
      this(sequence, load, signals, ack, null);
    }
  }

  /**
   * The answer to a heartbeat: whether it counted and, when it did not, why ({@code ignored}, absent otherwise),
   * the machine's health, and messages after the ack.
   */
  public record HeartbeatResponse(boolean accepted, String ignored, String health, List<MessageDto> messages, long cursor,
      long heartbeatIntervalMillis, String incarnation) {}

  /**
   * A message to a machine: {@code assign} (with task, attempt and token), or {@code withdraw}, {@code pause} or
   * {@code resume} (with taskId, token, attempt and reason).
   */
  public record MessageDto(long seq, String type, String taskId, String token, Integer attempt, TaskDto task,
      String reason) {}

  /** The answer to {@code GET /v1/assignments}: messages after the ack, and the newest sequence. */
  public record PollResponse(List<MessageDto> messages, long cursor, String incarnation) {}

  /** Opaque bytes: {@code text} for UTF-8 text, else {@code base64}. */
  public record PayloadDto(String mediaType, String text, String base64) {}

  /** How a task is rescheduled when its machine goes away; every field optional. */
  public record RescheduleDto(Long delayMillis, Double multiplier, Long maxDelayMillis, Long asleepGraceMillis) {}

  /**
   * What background work does when the owner of its machine returns: {@code move} or {@code pause}, with an
   * optional limit on the pause.
   */
  public record OwnerReturnDto(String action, Long pauseAtMostMillis) {}

  /** A task; only {@code id} is required. */
  public record TaskDto(String id, String title, List<String> requires, String priority, PayloadDto payload,
      String role, String weight, Long deadlineMillis, Integer maxAttempts, String idempotencyKey,
      RescheduleDto reschedule, OwnerReturnDto onOwnerReturn) {}

  /** {@code POST /v1/tasks}. */
  public record SubmitRequest(List<TaskDto> tasks) {}

  /** One machine's line in an explanation. */
  public record VerdictDto(String machine, String reason, String detail) {}

  /** Why a decision came out as it did. */
  public record ExplanationDto(String summary, List<VerdictDto> machines, int omitted, List<String> unblockers) {}

  /** What the dispatcher decided: {@code dispatched}, {@code queued} or {@code rejected}. */
  public record DecisionDto(String task, String outcome, String machine, Integer attempt, ExplanationDto why) {}

  /** The answer to a submission, one decision per task in the order given. */
  public record SubmitResponse(List<DecisionDto> decisions) {}

  /** How an attempt ended. */
  public record AttemptDto(int number, String machine, String ending) {}

  /** An accepted result. */
  public record ResultDto(boolean succeeded, PayloadDto output, String message) {}

  /** A task's state. */
  public record TaskStatusDto(TaskDto task, String state, String machine, int attempt, ExplanationDto why,
      ResultDto result, List<AttemptDto> attempts) {}

  /** {@code POST /v1/tasks/{id}/started}. */
  public record StartedRequest(String token) {}

  /** One attempt in a batch of started reports: the task and its attempt token. */
  public record StartedItem(String task, String token) {}

  /** {@code POST /v1/started}: several attempts reported started at once, each judged on its own. */
  public record StartedBatchRequest(List<StartedItem> started) {}

  /** The answer to {@code POST /v1/started}, one outcome per attempt in the order given. */
  public record StartedBatchResponse(List<ResultOutcome> outcomes) {}

  /** {@code POST /v1/tasks/{id}/result}. */
  public record ResultRequest(String token, Boolean succeeded, PayloadDto output, String message) {}

  /** One result in a batch: the task, its attempt token, and how it ended. */
  public record ResultItem(String task, String token, Boolean succeeded, PayloadDto output, String message) {}

  /** {@code POST /v1/results}: several results at once, each judged on its own. */
  public record ResultsRequest(List<ResultItem> results) {}

  /**
   * How one item of a batch (a result, or a started report) fared: 200 accepted, else the status and detail a
   * single report would get.
   */
  public record ResultOutcome(String task, int status, String detail) {}

  /** The answer to {@code POST /v1/results}, one outcome per result in the order given. */
  public record ResultsResponse(List<ResultOutcome> outcomes) {}

  /** {@code POST /v1/tasks/{id}/reroute}. */
  public record RerouteRequest(String machine) {}

  /** A machine and what the fleet knows of it now. */
  public record MachineStatusDto(MachineDto machine, String health, double load, double effectiveLoad,
      SignalsDto signals, String lastHeartbeat, int activeTasks, long registrationOrder, double suspicion,
      boolean connected, List<String> tasks) {}

  /** {@code POST /v1/machines/{id}/drain}; without a deadline running work may finish whenever. */
  public record DrainRequest(Long deadlineMillis) {}

  /** {@code GET /v1/rules}. */
  public record RulesDto(String rules) {}

  /** A new join token, shown once. */
  public record JoinTokenDto(String joinToken) {}

  /** The answer to a cancellation. */
  public record CancelResponse(boolean cancelled) {}

  /** The answer to removing a machine. */
  public record RemovedResponse(boolean removed) {}

  /** An RFC 9457 problem. */
  public record ProblemDto(String type, String title, int status, String detail) {}

  /**
   * One task in a listing ({@code GET /v1/tasks}): what a table needs, without payloads. {@code sinceDispatchMillis}
   * is how long ago its current or last attempt was dispatched (absent if it never was); {@code outputBytes} the
   * size of its result's output, once it has a result.
   */
  public record TaskSummaryDto(String id, String title, String state, String machine, int attempt, int maxAttempts,
      String priority, List<String> requires, String role, Long sinceDispatchMillis, Boolean succeeded,
      Integer outputBytes, String summary) {}

  /** The answer to {@code GET /v1/tasks}: the matching tasks (the newest {@code limit}) and how many matched. */
  public record TaskListDto(List<TaskSummaryDto> tasks, int matched) {}

  /**
   * The {@code data} of a {@code task} or {@code health} event on {@code GET /v1/events}: which task or machine
   * changed, from what to what, and why. {@code at} is when the coordinator's HTTP layer received it.
   */
  public record EventDto(String id, String type, String at, String task, String machine, String from, String to,
      Integer attempt, String reason) {}

  /**
   * The {@code data} of a {@code gap} event: events after {@code lastEventId} were missed, and the stream goes on
   * after {@code resumesAfter}; {@code missed} is how many, when known.
   */
  public record GapDto(String lastEventId, String resumesAfter, Long missed, String reason) {}

  /** The {@code data} of the {@code dropped} event a stream ends with when the coordinator gives up on it. */
  public record DroppedDto(String reason) {}

  /**
   * {@code POST /v1/leave}, from a machine about to stop: {@code grace} (an ISO-8601 duration such as
   * {@code "PT30S"}) drains it for shutdown, running work may finish until then; {@code now: true} says it has
   * gone, and its unfinished work moves at once. Exactly one of the two.
   */
  public record LeaveRequest(String grace, Boolean now) {}

  /**
   * The body of an action that takes no parameters (cancel, undrain, sleep, a join-token rotation), if one is sent
   * at all: an empty object. Any field in it is refused, as unknown fields are everywhere.
   */
  public record NoFields() {}

  /**
   * {@code POST /v1/join-tokens}: a scoped join token to make. {@code name} is required; {@code role} (any if
   * absent), {@code capabilities} (none if absent), {@code idPattern} (a glob, {@code *} if absent) and
   * {@code beyond} ({@code refuse} or {@code hold}, {@code refuse} if absent) are optional.
   */
  public record JoinTokenRequest(String name, String role, List<String> capabilities, String idPattern,
      String beyond) {}

  /** A scoped join token as listed, without its secret; {@code machines} is how many joined with it. */
  public record JoinScopeDto(String name, String role, List<String> capabilities, String idPattern, String beyond,
      int machines) {}

  /** A new scoped join token: its scope, and its secret, shown only now. */
  public record CreatedJoinTokenDto(JoinScopeDto scope, String joinToken) {}

  /**
   * A claim waiting for approval ({@code GET /v1/approvals}): the machine, the scoped token it came with (absent for
   * the fleet's own), whether the machine is known already, what it claims, what of that went beyond, its state
   * ({@code held} or {@code approved}) and the address it came from.
   */
  public record HeldClaimDto(String machine, String token, boolean known, String role, List<String> capabilities,
      List<String> beyond, String state, String address) {}

  /** The answer to {@code POST /v1/approvals/{machine}}: the claim as approved, and what happens now. */
  public record ApprovedDto(HeldClaimDto claim, String detail) {}

  /**
   * The answer to {@code POST /v1/registry}: the machines registered, and those left as they were because the
   * fleet had them already, each in the file's order.
   */
  public record RegistryImportDto(List<String> imported, List<String> skipped) {}

  /**
   * {@code GET /v1/capacity}: the capacity report over a window. Durations are in milliseconds, shares in [0, 1];
   * {@code findings} are most pressing first, each with its {@code kind} and the fields that kind has.
   */
  public record CapacityDto(long windowMillis, long coveredMillis, List<CapacityFindingDto> findings,
      List<CapacityUseDto> uses) {}

  /**
   * One finding: {@code kind} is {@code missing-capability} (capability, tasks, waitedMillis),
   * {@code saturated} (capability, role, ceilingShare, p95WaitMillis, windowMillis), {@code idle-machine}
   * (machine, idleShare, fitsOn if any) or {@code presence-wait} (machine, reason, waitedMillis); {@code sentence}
   * is what a person reads.
   */
  public record CapacityFindingDto(String kind, String sentence, String capability, Boolean role, Long tasks,
      Long waitedMillis, Double ceilingShare, Long p95WaitMillis, Long windowMillis, String machine,
      Double idleShare, String fitsOn, String reason) {}

  /**
   * How one capability or role was used; {@code series} is its ceiling share in equal slices, oldest first, and
   * {@code waitSeriesMillis} the p95 wait in each slice.
   */
  public record CapacityUseDto(String name, boolean role, double ceilingShare, double meanQueue, long finished,
      long p95WaitMillis, long p95RunMillis, List<Double> series, List<Long> waitSeriesMillis) {}

  /**
   * {@code POST /v1/capacity/what-if}: the window to replay ({@code windowMillis}, a day if absent), the machines to
   * add (each with {@code capabilities}, and optionally {@code id}, {@code role} and {@code slots}) and the ids of
   * those to take away.
   */
  public record CapacityWhatIfRequest(Long windowMillis, List<WhatIfMachineDto> add, List<String> remove) {}

  /** A machine a what-if adds; {@code id} defaults to {@code what-if-N}, {@code role} to {@code added}. */
  public record WhatIfMachineDto(String id, String role, List<String> capabilities, Integer slots) {}

  /** The answer to a what-if: what was replayed, the sentence, and each capability's p95 wait before and after. */
  public record CapacityWhatIfDto(long windowMillis, int tasks, List<String> added, List<String> removed,
      String sentence, List<WhatIfWaitDto> waits) {}

  /** One capability's p95 wait on the machines of now ({@code beforeMillis}) and on the proposed ones. */
  public record WhatIfWaitDto(String capability, long tasks, long beforeMillis, long afterMillis) {}
}

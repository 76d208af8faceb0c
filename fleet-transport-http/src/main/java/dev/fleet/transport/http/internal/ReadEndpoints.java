package dev.fleet.transport.http.internal;

/**
 * The client endpoints that only read what the fleet knows and did: the task listing, a task's output, and the
 * event stream; handed to {@link Api} as one.
 *
 * <p>Immutable and thread-safe: each part is.
 *
 * @param tasks {@code GET /v1/tasks}
 * @param output {@code GET /v1/tasks/{id}/output}
 * @param events {@code GET /v1/events}
 */
public record ReadEndpoints(TaskListing tasks, TaskOutput output, EventStream events) {}

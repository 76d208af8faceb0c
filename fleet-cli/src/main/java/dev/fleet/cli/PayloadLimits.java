package dev.fleet.cli;

/**
 * The payload limits {@code fleet coordinator} runs with, and the request body it must accept for them: a payload
 * travels base64-encoded (4 bytes for 3) inside a JSON envelope, so the body cap grows with the payload limit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param perTask the largest payload of one task
 * @param held the payload bytes held at once for unfinished tasks
 */
record PayloadLimits(int perTask, long held) {
  /** The coordinator's defaults: 1 MiB per task, 256 MiB held. */
  static final int DEFAULT_PER_TASK = 1 << 20;
  static final long DEFAULT_HELD = 256L << 20;
  /** Room in a request body for the rest of a task and the submission around it. */
  static final int ENVELOPE = 64 << 10;
  /** The largest payload a task may carry at all. */
  static final int MAX = dev.fleet.Payload.MAX_BYTES;

  /** The limits from the options, or the defaults where one was not given. */
  static PayloadLimits of(Long perTask, Long held) {
    long p = perTask == null ? DEFAULT_PER_TASK : perTask;
    if (p > MAX) {
      throw new IllegalArgumentException("--max-payload-bytes must be at most " + MAX + " (16MiB), got " + p);
    }
    return new PayloadLimits((int) p, held == null ? DEFAULT_HELD : held);
  }

  /** The request body cap that lets a payload of the largest size through: at least the server's 1 MiB. */
  int bodyBytes() {
    long encoded = (perTask + 2L) / 3 * 4;
    return (int) Math.max(1 << 20, encoded + ENVELOPE);
  }
}

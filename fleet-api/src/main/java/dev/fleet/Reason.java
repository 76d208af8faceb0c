package dev.fleet;

/** Why a machine did or did not fit a task; the codes explanations are counted by. */
public enum Reason {
  /** The machine fits. */
  FITS,
  /** The machine is offline. */
  OFFLINE,
  /** The machine has been silent longer than expected. */
  SUSPECT,
  /** The machine announced it is asleep. */
  ASLEEP,
  /** The machine is draining: it finishes its work and takes none. */
  DRAINING,
  /** The machine lacks a capability the task requires. */
  LACKS_CAPABILITY,
  /** The machine's load is at or over the ceiling for the task. */
  AT_CEILING,
  /** Every one of the machine's {@linkplain Machine#slots() slots} holds an attempt already. */
  SLOTS_FULL,
  /** The task's last attempt was lost on this machine, so this attempt goes elsewhere. */
  EXCLUDED,
  /** The task prefers another role, and a machine of that role (or its backup) can take it. */
  ROLE,
  /** Heavy work avoids a machine on battery, or one whose charge has not recovered since. */
  ON_BATTERY,
  /** Heavy work avoids a machine that is slowing down for heat. */
  THROTTLED,
  /** Background work waits until the machine's owner is away or it is in its quiet hours. */
  OWNER_ACTIVE,
  /** A machine with role {@code interface} gets heavy work only when nothing else can take it. */
  THIN_CLIENT,
  /** The placement strategy turned the machine down. */
  DECLINED,
  /** The placement strategy failed; the failure was logged. */
  STRATEGY_FAILED;

  /**
   * The reason a machine in the given health takes no work, or {@code FITS} if it is online.
   *
   * @param health the machine's health; not null
   * @return {@link #FITS} for online, {@link #SUSPECT} for suspect or unknown, {@link #OFFLINE} for offline or
   *     left, and {@link #ASLEEP} or {@link #DRAINING} for those
   */
  public static Reason of(Health health) {
    return switch (health) {
      case ONLINE -> FITS;
      case SUSPECT, UNKNOWN -> SUSPECT;
      case OFFLINE, LEFT -> OFFLINE;
      case ASLEEP -> ASLEEP;
      case DRAINING -> DRAINING;
    };
  }
}

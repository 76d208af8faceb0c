package dev.fleet.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.spi.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner idle time on Linux: the logind and xprintidle parsers on recorded outputs, and the probe running fake
 * {@code loginctl} and {@code xprintidle} commands (shell scripts printing those outputs).
 */
class LinuxOwnerIdleProbeTest {
  /** 754 seconds after the idle-since time of loginctl-show-session-idle.txt. */
  private static final Instant NOW = Instant.ofEpochSecond(1_718_000_754L);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir
  Path bin;

  @Test
  void logindSaysWhichSessionIsActiveAtTheSeat() {
    assertEquals(Optional.of("2"), LogindIdle.activeSession(ProbeFixtures.text("linux/loginctl-show-seat-active.txt")));
    assertEquals(Optional.empty(), LogindIdle.activeSession(ProbeFixtures.text("linux/loginctl-show-seat-nobody.txt")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LogindIdle.activeSession(ProbeFixtures.text("linux/loginctl-no-systemd.txt")));
    assertTrue(e.getMessage().contains("no ActiveSession"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> LogindIdle.activeSession("ActiveSession=2; rm -rf /\n"));
  }

  @Test
  void logindIdleIsTheTimeSinceTheHintWasSetOrZeroWhileActive() {
    assertEquals(Optional.of(Duration.ofSeconds(754)),
        LogindIdle.idle(ProbeFixtures.text("linux/loginctl-show-session-idle.txt"), NOW));
    assertEquals(Optional.of(Duration.ZERO),
        LogindIdle.idle(ProbeFixtures.text("linux/loginctl-show-session-active.txt"), NOW));
    assertEquals(Optional.empty(),
        LogindIdle.idle(ProbeFixtures.text("linux/loginctl-show-session-never-set.txt"), NOW),
        "a desktop that never set the hint says nothing");
    assertEquals(Optional.of(Duration.ZERO), LogindIdle.idle("IdleHint=yes\nIdleSinceHint=1718000000000000\n",
        Instant.ofEpochSecond(1_717_999_000L)), "a clock stepped back reads 0, not negative");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LogindIdle.idle("IdleHint=maybe\nIdleSinceHint=5\n", NOW));
    assertTrue(e.getMessage().contains("maybe"), e.getMessage());
  }

  @Test
  void xprintidlePrintsMilliseconds() {
    assertEquals(Duration.ofMillis(734_512), LinuxOwnerIdle.xprintidle(ProbeFixtures.text("linux/xprintidle.txt")));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LinuxOwnerIdle.xprintidle("couldn't open display\n"));
    assertTrue(e.getMessage().contains("couldn't open display"), e.getMessage());
  }

  private void fakeLoginctl(String seatFixture, String sessionFixture) {
    ProbeFixtures.write(bin, "seat.out", ProbeFixtures.text("linux/" + seatFixture));
    ProbeFixtures.write(bin, "session.out", ProbeFixtures.text("linux/" + sessionFixture));
    ProbeFixtures.script(bin, "loginctl", """
        d=$(dirname "$0")
        case "$1 $2 $3 $4" in
          "show-seat seat0 -p ActiveSession") cat "$d/seat.out" ;;
          "show-session 2 -p IdleHint") cat "$d/session.out" ;;
          *) echo "unexpected: $*" >&2; exit 1 ;;
        esac""");
  }

  private Probe.Reading awaitReading(LinuxOwnerIdle probe) {
    Probe.Reading[] last = new Probe.Reading[1];
    Await.until(Duration.ofSeconds(10), () -> {
      last[0] = probe.read();
      return !last[0].equals(Probe.Reading.NONE);
    }, () -> "no owner idle time read: " + probe.describe(Duration.ZERO));
    return last[0];
  }

  @Test
  void theProbeReadsLogindsIdleHintForTheActiveSession() {
    fakeLoginctl("loginctl-show-seat-active.txt", "loginctl-show-session-idle.txt");
    LinuxOwnerIdle probe = new LinuxOwnerIdle(List.of(bin), CLOCK, Ticker.system());
    assertEquals("owner idle time from logind (seat0, session 2)", probe.describe(Duration.ofSeconds(10)));
    assertEquals(Optional.of(Duration.ofSeconds(754)), awaitReading(probe).ownerIdle());
  }

  @Test
  void withoutALogindHintItFallsBackToXprintidle() {
    fakeLoginctl("loginctl-show-seat-active.txt", "loginctl-show-session-never-set.txt");
    ProbeFixtures.printing(bin, "xprintidle", "linux/xprintidle.txt");
    LinuxOwnerIdle probe = new LinuxOwnerIdle(List.of(bin), CLOCK, Ticker.system());
    String source = probe.describe(Duration.ofSeconds(10));
    assertTrue(source.startsWith("owner idle time from xprintidle (session 2 never set its idle hint"), source);
    assertEquals(Optional.of(Duration.ofMillis(734_512)), awaitReading(probe).ownerIdle());
  }

  @Test
  void withNeitherItSaysSoOnceAndReadsNothing() {
    ProbeFixtures.write(bin, "no-systemd.out", ProbeFixtures.text("linux/loginctl-no-systemd.txt"));
    ProbeFixtures.script(bin, "loginctl", "cat \"$(dirname \"$0\")/no-systemd.out\" >&2; exit 1");
    LinuxOwnerIdle probe = new LinuxOwnerIdle(List.of(bin), CLOCK, Ticker.system());
    String source = probe.describe(Duration.ofSeconds(10));
    assertTrue(source.startsWith(LinuxOwnerIdle.UNKNOWN), source);
    assertTrue(source.contains("System has not been booted with systemd"), source);
    assertEquals(Probe.Reading.NONE, probe.read());
  }

  @Test
  void nobodyAtTheSeatAndABrokenXprintidleIsUnknownWithBothReasons() {
    fakeLoginctl("loginctl-show-seat-nobody.txt", "loginctl-show-session-idle.txt");
    ProbeFixtures.script(bin, "xprintidle", "echo \"couldn't open display\" >&2; exit 1");
    LinuxOwnerIdle probe = new LinuxOwnerIdle(List.of(bin), CLOCK, Ticker.system());
    String source = probe.describe(Duration.ofSeconds(10));
    assertTrue(source.startsWith("owner idle time unknown on this machine: no logind idle hint (nobody is logged "
        + "in at seat0) and xprintidle failed"), source);
    assertTrue(source.contains("couldn't open display"), source);
    assertEquals(Probe.Reading.NONE, probe.read());
  }

  @Test
  void withNoCommandsAtAllItIsTheStandardSentence() {
    LinuxOwnerIdle probe = new LinuxOwnerIdle(List.of(bin), CLOCK, Ticker.system());
    assertEquals(LinuxOwnerIdle.UNKNOWN + " (no loginctl); the coordinator treats the owner as away",
        probe.describe(Duration.ofSeconds(10)));
  }
}

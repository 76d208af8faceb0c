/**
 * Test doubles for Fleet's time, concurrency and journal SPI: a hand-driven {@link dev.fleet.testing.FakeTicker},
 * a {@link dev.fleet.testing.ManualScheduler} bound to it, a {@link dev.fleet.testing.ManualExecutor} for
 * controlling event delivery, and journals for durability tests ({@link dev.fleet.testing.MemoryJournal}, {@link
 * dev.fleet.testing.ForwardingJournal}).
 *
 * <p>Tests move time by calling {@code advance}; nothing here sleeps or reads the system clock, so a test runs
 * the same way every time and as fast as the code under test allows. A fleet acts on time only through its
 * scheduler: give it a {@code ManualScheduler} on the same {@code FakeTicker} and advance the scheduler, or a
 * silent machine never goes offline however far the ticker alone moves.
 */
package dev.fleet.testing;

/**
 * Test doubles for Fleet's time and concurrency SPI: a hand-driven {@link
 * dev.fleet.testing.FakeTicker}, a {@link dev.fleet.testing.ManualScheduler} bound to it, and a
 * {@link dev.fleet.testing.ManualExecutor} for controlling event delivery.
 *
 * <p>Tests move time by calling {@code advance}; nothing here sleeps or reads the system clock, so
 * a test runs the same way every time and as fast as the code under test allows.
 */
package dev.fleet.testing;

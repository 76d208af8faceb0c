/**
 * Not API: the engine behind a built fleet, its rooms (machines, liveness, the task ledger, the matchmaker), the
 * built-in strategies and detectors, and the configuration the builder hands them. Not exported; may change in
 * any release.
 */
package dev.fleet.core.internal;

/**
 * Not API: the fleet's capacity history (queue length, waits and machine use, sampled over time) and the advice
 * and what-if answers computed from it. Not exported; may change in any release.
 */
package dev.fleet.core.internal.capacity;

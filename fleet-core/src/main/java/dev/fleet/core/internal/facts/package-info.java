/**
 * Not API: the facts a fleet journals (one record per durable change), their binary codec, and what a replay of
 * them recovers. Not exported; may change in any release.
 */
package dev.fleet.core.internal.facts;

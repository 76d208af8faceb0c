/**
 * The fleet's registry file in JSON: {@link dev.fleet.json.RegistryJson} reads and writes it as
 * {@link dev.fleet.json.RegistryEntry} values, and malformed files fail with a located
 * {@link dev.fleet.json.RegistryFormatException}. Everything here is immutable or stateless and so
 * thread-safe.
 */
package dev.fleet.json;

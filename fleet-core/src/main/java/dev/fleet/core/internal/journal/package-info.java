/**
 * Not API: the storage behind {@link dev.fleet.core.FileJournal}: checksummed log segments, snapshots, backups,
 * the epoch file and crash recovery, over a small storage interface that tests replace with a simulated disk. Not
 * exported; may change in any release.
 */
package dev.fleet.core.internal.journal;

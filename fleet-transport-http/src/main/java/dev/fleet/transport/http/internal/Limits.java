package dev.fleet.transport.http.internal;

import java.time.Duration;

/**
 * The coordinator's limits on what one request, one caller and the fleet may use.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxBodyBytes largest request body accepted
 * @param maxMachines machines the fleet may hold; joins beyond it are refused
 * @param maxTasksPerRequest tasks one submission may carry
 * @param requestsPerSecond sustained requests per credential (or per address, without one)
 * @param burst requests a credential may send at once
 * @param maxPollWait longest a long-poll is held open
 * @param mailboxCapacity unacknowledged messages kept per machine
 * @param joinRates how fast new machines may join, per address and per join token
 */
public record Limits(int maxBodyBytes, int maxMachines, int maxTasksPerRequest, double requestsPerSecond, int burst,
    Duration maxPollWait, int mailboxCapacity, JoinRates joinRates) {}

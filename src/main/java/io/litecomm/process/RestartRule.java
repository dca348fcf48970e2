package io.litecomm.process;

import java.time.Duration;

/**
 * When and how fast a crashed or exited child is restarted.
 *
 * @param onFailure restart after a non-zero exit
 * @param onCleanExit restart after exit code 0
 * @param initialBackoff delay before the first restart; doubles for each restart in a row
 * @param maxBackoff cap on the delay
 * @param maxRestartsPerMinute restarts allowed within any 60 seconds before the supervisor gives up
 */
public record RestartRule(boolean onFailure, boolean onCleanExit, Duration initialBackoff, Duration maxBackoff,
                          int maxRestartsPerMinute) {

    /** Never restart. */
    public static final RestartRule NEVER = new RestartRule(false, false, Duration.ZERO, Duration.ZERO, 0);

    /**
     * Delay before the restart that follows {@code consecutive} restarts in a row.
     *
     * @param consecutive restarts already made in a row (0 for the first)
     * @return the delay
     */
    public Duration backoff(int consecutive) {
        long millis = initialBackoff.toMillis();
        for (int i = 0; i < consecutive && millis < maxBackoff.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}

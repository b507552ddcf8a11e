package io.p2pfs.peer.placement;

import java.time.Duration;

/** Exponential backoff: {@code initial × 2^(attempt-1)}, capped at {@code max}. */
public record Backoff(Duration initial, Duration max) {

    /** The pause after failed attempt number {@code attempt} (1-based). */
    public Duration after(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 20);
        Duration pause = initial.multipliedBy(1L << shift);
        return pause.compareTo(max) > 0 ? max : pause;
    }
}

package io.p2pfs.peer.scrub;

/**
 * A byte-rate limit: after {@code bytes} in {@code elapsedNanos}, how long to pause so that the
 * average stays at most {@code bytesPerSecond}. Pure arithmetic, no clock of its own.
 */
public record Throttle(double bytesPerSecond) {

    public Throttle {
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive");
        }
    }

    public long pauseNanos(long bytes, long elapsedNanos) {
        long due = (long) (bytes / bytesPerSecond * 1_000_000_000L);
        return Math.max(0, due - elapsedNanos);
    }
}

package io.p2pfs.metadata.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTests {

    static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");

    /** Versions 1..n, version v committed (n - v) days ago. */
    static List<Retention.Stamp> daily(int n) {
        List<Retention.Stamp> stamps = new ArrayList<>();
        for (int v = 1; v <= n; v++) {
            stamps.add(new Retention.Stamp(v, NOW.minus(Duration.ofDays(n - v)).minusSeconds(60)));
        }
        return stamps;
    }

    @Test
    void withoutSettingsEveryVersionIsKept() {
        assertEquals(List.of(), Retention.prunable(daily(10), 10, null, null, NOW));
    }

    @Test
    void keepLastNLetsGoTheOlderOnes() {
        assertEquals(List.of(7, 6, 5, 4, 3, 2, 1), Retention.prunable(daily(10), 10, 3, null, NOW));
    }

    @Test
    void keepDaysLetsGoVersionsOlderThanThat() {
        // Versions 8, 9, 10 are 2, 1 and 0 days (and a minute) old.
        assertEquals(List.of(7, 6, 5, 4, 3, 2, 1), Retention.prunable(daily(10), 10, null, 3, NOW));
    }

    @Test
    void bothSettingsKeepWhatEitherWouldKeep() {
        assertEquals(List.of(4, 3, 2, 1), Retention.prunable(daily(10), 10, 6, 2, NOW));
        assertEquals(List.of(6, 5, 4, 3, 2, 1), Retention.prunable(daily(10), 10, 2, 4, NOW));
    }

    @Test
    void theCurrentVersionIsNeverPrunedEvenWhenItIsOld() {
        List<Retention.Stamp> stamps = List.of(new Retention.Stamp(1, NOW.minus(Duration.ofDays(99))),
                new Retention.Stamp(2, NOW.minus(Duration.ofDays(98))), new Retention.Stamp(3,
                        NOW.minus(Duration.ofDays(97))));
        assertEquals(List.of(2, 1), Retention.prunable(stamps, 3, null, 1, NOW));
        assertEquals(List.of(2, 1), Retention.prunable(stamps, 3, 1, null, NOW));
    }
}

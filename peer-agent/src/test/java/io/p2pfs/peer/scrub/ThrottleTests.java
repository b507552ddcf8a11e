package io.p2pfs.peer.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThrottleTests {

    @Test
    void pausesJustLongEnoughToKeepTheAverageRate() {
        Throttle tenMbPerSecond = new Throttle(10 * 1024 * 1024);
        assertEquals(100_000_000L, tenMbPerSecond.pauseNanos(1024 * 1024, 0));
        assertEquals(40_000_000L, tenMbPerSecond.pauseNanos(1024 * 1024, 60_000_000L));
        assertEquals(0, tenMbPerSecond.pauseNanos(1024 * 1024, 500_000_000L));
    }
}

package io.p2pfs.common.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AnonymousDenialsTests {

    static DenialRecorder.Denial anonymous(int status, String reason, String client) {
        return new DenialRecorder.Denial(status, reason, null, "GET", "/api/v1/list/", client);
    }

    @Test
    void aThousandAnonymousRefusalsOfOneClientAreTwoRecordsCarryingEveryOne() {
        AnonymousDenials window = new AnonymousDenials(16);
        List<DenialRecorder.Denial> now = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            DenialRecorder.Denial d = window.offer(anonymous(401, "missing token", "10.0.0.9"));
            if (d != null) {
                now.add(d);
            }
        }
        assertEquals(1, now.size());
        assertEquals(1, now.get(0).count());
        List<DenialRecorder.Denial> summaries = window.drain();
        assertEquals(1, summaries.size());
        assertEquals(999, summaries.get(0).count());
        assertEquals(999, summaries.get(0).details().get("count"));
        assertEquals("10.0.0.9", summaries.get(0).clientAddress());
        assertEquals(List.of(), window.drain(), "a drained window starts empty");
        assertNotNull(window.offer(anonymous(401, "missing token", "10.0.0.9")), "the next window records again");
    }

    @Test
    void callersWithAnIdentityAreNeverFolded() {
        AnonymousDenials window = new AnonymousDenials(1);
        DenialRecorder.Denial known = new DenialRecorder.Denial(403, "You lack READ", "bob", "GET", "/x", "10.0.0.1");
        for (int i = 0; i < 10; i++) {
            assertSame(known, window.offer(known));
        }
        assertEquals(List.of(), window.drain());
    }

    @Test
    void clientsUrlsAndReasonsAreCountedApartAndKeysBeyondTheLimitTogether() {
        AnonymousDenials window = new AnonymousDenials(3);
        assertNotNull(window.offer(anonymous(401, "missing token", "a")));
        assertNotNull(window.offer(anonymous(401, "invalid token", "a")));
        assertNotNull(window.offer(new DenialRecorder.Denial(401, "missing token", null, "GET", "/other", "a")));
        assertNull(window.offer(anonymous(401, "missing token", "a")));
        for (int i = 0; i < 500; i++) {
            assertNull(window.offer(new DenialRecorder.Denial(401, "missing token", null, "GET", "/u" + i,
                    "client-" + i)), "beyond the key limit");
        }
        List<DenialRecorder.Denial> summaries = window.drain();
        assertEquals(2, summaries.size());
        assertEquals(1, summaries.get(0).count());
        assertEquals("a", summaries.get(0).clientAddress());
        assertEquals(500, summaries.get(1).count());
        assertNull(summaries.get(1).clientAddress());
        assertTrue(summaries.get(1).reason().contains("many anonymous callers"));
    }

    /** Whatever anonymous callers send, every denial is counted once and the records per window stay bounded. */
    @Property(tries = 300)
    void everyDenialIsCountedExactlyOnceAndRecordsStayBounded(
            @ForAll @Size(max = 2000) List<@IntRange(min = 0, max = 400) Integer> clients,
            @ForAll @IntRange(min = 1, max = 64) int maxKeys) {
        AnonymousDenials window = new AnonymousDenials(maxKeys);
        long counted = 0;
        int records = 0;
        for (int client : clients) {
            DenialRecorder.Denial d = window.offer(new DenialRecorder.Denial(client % 2 == 0 ? 401 : 403,
                    "r" + (client % 3), null, "GET", "/u" + (client % 7), "c" + client));
            if (d != null) {
                counted += d.count();
                records++;
            }
        }
        for (DenialRecorder.Denial d : window.drain()) {
            counted += d.count();
            records++;
        }
        assertEquals(clients.size(), counted);
        assertTrue(records <= 2 * maxKeys + 4, records + " records for " + maxKeys + " keys");
    }
}

package io.p2pfs.audit.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.audit.AuditApp;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.TestTokens;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged consumer, limited to a 128 MiB heap, ingests 100,000 events of ~1 KiB (about
 * 100 MB of export, close to the whole heap) and streams them out as ndjson and csv.
 */
class ExportIT {

    private static final int EVENTS = 100_000;

    @Test
    void exportOfAHundredThousandEventsStreamsFromA128MiBHeap() throws Exception {
        try (AuditApp app = AuditApp.start("128m")) {
            String tag = AuditEvents.tag();
            String padding = "x".repeat(700);
            List<ObjectNode> chunk = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                chunk.add(AuditEvents.event("file.downloaded", tag, "/" + tag + "/f" + i, "SUCCESS", Instant.now(),
                        Map.of("i", i, "padding", padding)));
                if (chunk.size() == 5_000) {
                    AuditEvents.publishAll(Topics.ACCESS, chunk);
                    chunk.clear();
                }
            }
            Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> app.countRows("actor = ?", tag) == EVENTS);

            String token = TestTokens.user(tag + "auditor").roles("auditor").sign();
            assertEquals(EVENTS, streamLines(app, token, "ndjson", tag, "{\"seq\":"));
            assertEquals(EVENTS + 1, streamLines(app, token, "csv", tag, null));
            assertTrue(app.alive(), "the consumer survived the exports; log: " + app.log());
        }
    }

    /** Counts lines as they arrive, never holding the body; checks seq falls line by line. */
    private static long streamLines(AuditApp app, String token, String format, String actor, String prefix)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/v1/audit/export?format="
                + format + "&actor=" + actor)).header("Authorization", "Bearer " + token).build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        long lines = 0;
        long previousSeq = Long.MAX_VALUE;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines++;
                if (prefix != null) {
                    assertTrue(line.startsWith(prefix), line);
                    long seq = Long.parseLong(line.substring(prefix.length(), line.indexOf(',')));
                    assertTrue(seq < previousSeq);
                    previousSeq = seq;
                }
            }
        }
        return lines;
    }
}

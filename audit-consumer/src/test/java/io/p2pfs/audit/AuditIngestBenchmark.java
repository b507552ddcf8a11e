package io.p2pfs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Benchmark of the packaged audit consumer (run by {@code bench/audit-ingest/run}, not by the
 * test suite): (1) ingest rate of one consumer draining a backlog; (2) latency from publish to
 * searchable through {@code GET /api/v1/audit} at a steady publish rate.
 *
 * <p>Arguments: backlog events (default 100000), steady rate per second (2000), steady seconds (30).
 */
public final class AuditIngestBenchmark {

    private static final List<String> AUDITED = List.of(Topics.USERS, Topics.NODES, Topics.FILES, Topics.LOCKS,
            Topics.ACLS, Topics.ACCESS);

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        createTopics();

        String padding = "p".repeat(200);
        System.out.printf("publishing a backlog of %,d events over the six topics%n", backlog);
        List<ObjectNode> chunk = new ArrayList<>();
        for (int i = 0; i < backlog; i++) {
            chunk.add(AuditEvents.event("file.uploaded", "bench" + (i % 50), "/bench/d" + (i % 100) + "/f" + i,
                    "SUCCESS", Instant.now(), Map.of("i", i, "padding", padding)));
            if (chunk.size() == 5_000 || i == backlog - 1) {
                AuditEvents.publishAll(AUDITED.get(i / 5_000 % AUDITED.size()), chunk);
                chunk.clear();
            }
        }

        try (AuditApp app = AuditApp.start("512m")) {
            long firstSeen = 0;
            long startCount = 0;
            long count;
            // polled by the newest seq, not count(*): counting a growing table would compete with the ingest
            while ((count = app.entries()) < backlog) {
                if (firstSeen == 0 && count > 0) {
                    firstSeen = System.nanoTime();
                    startCount = count;
                }
                Thread.sleep(100);
            }
            double ingestSeconds = (System.nanoTime() - firstSeen) / 1e9;
            System.out.printf("INGEST: %,d events stored in %.1f s after the first row = %,.0f events/s (one consumer)%n",
                    backlog - startCount, ingestSeconds, (backlog - startCount) / ingestSeconds);
            System.out.println("  where a batch's time went (the app's own timers): " + batchTimers(app));

            latency(app, rate, seconds);
        }
        System.exit(0);
    }

    private static void latency(AuditApp app, int rate, int seconds) throws Exception {
        String actor = "latency" + AuditEvents.tag();
        String token = TestTokens.user(actor).sign();
        Map<String, Long> published = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean publishing = new AtomicBoolean(true);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        int perTick = rate / 200;
        long warmupEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        timer.scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                ObjectNode event = AuditEvents.event("file.downloaded", actor, "/bench/latency", "SUCCESS",
                        Instant.now(), Map.of("n", i));
                long now = System.nanoTime();
                if (now > warmupEnds) {
                    published.put(AuditEvents.id(event), now);
                }
                AuditEvents.producer().send(new ProducerRecord<>(io.p2pfs.common.events.Topics.ACCESS, actor,
                        event.toString()));
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        Thread poller = Thread.ofPlatform().start(() -> {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/v1/audit?limit=500"))
                    .header("Authorization", "Bearer " + token).build();
            while (publishing.get() || !published.isEmpty()) {
                try {
                    JsonNode page = AuditEvents.JSON.readTree(
                            http.send(request, HttpResponse.BodyHandlers.ofString()).body());
                    long seen = System.nanoTime();
                    for (JsonNode item : page.path("items")) {
                        Long sent = published.remove(item.path("id").asText());
                        if (sent != null) {
                            latencies.add(seen - sent);
                        }
                    }
                } catch (Exception e) {
                    System.err.println("poll failed: " + e);
                }
                if (!publishing.get() && latencies.size() > 0 && published.size() > 0
                        && System.nanoTime() - warmupEnds > TimeUnit.SECONDS.toNanos(seconds + 30)) {
                    break;
                }
            }
        });
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 5));
        timer.shutdownNow();
        publishing.set(false);
        poller.join(TimeUnit.SECONDS.toMillis(60));
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("LATENCY publish->searchable at %,d events/s for %d s (after 5 s warm-up): n=%,d "
                + "p50=%.1f ms p99=%.1f ms max=%.1f ms, not seen=%d%n", rate, seconds, sorted.size(),
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6,
                published.size());
    }

    /** Count, mean and max of the parse and append timers from /q/metrics. */
    private static String batchTimers(AuditApp app) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/q/metrics"))
                .header("Authorization", "Bearer " + io.p2pfs.testing.TestTokens.user("prometheus").roles("metrics").sign())
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        StringBuilder summary = new StringBuilder();
        for (String timer : List.of("p2pfs_audit_batch_parse_seconds", "p2pfs_audit_batch_append_seconds")) {
            double count = metric(metrics, timer + "_count");
            double sum = metric(metrics, timer + "_sum");
            summary.append(String.format("%s: %.0f batches, mean %.1f ms, total %.1f s; ", timer, count,
                    count == 0 ? 0 : sum / count * 1000, sum));
        }
        return summary.toString();
    }

    private static double metric(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }

    private static void createTopics() throws Exception {
        Properties props = new Properties();
        props.putAll(KafkaBroker.shared().clientProperties(KafkaBroker.ADMIN));
        try (Admin admin = Admin.create(props)) {
            var existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : io.p2pfs.common.events.Topics.ALL) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, 6, (short) 1));
                }
            }
            admin.createTopics(missing).all().get();
        }
    }
}

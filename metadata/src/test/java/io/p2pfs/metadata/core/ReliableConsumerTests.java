package io.p2pfs.metadata.core;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.metadata.DirectClients;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.replicas.ConfirmationsConsumer;
import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.TestPostgres;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * The metadata service's consumers never lose a record: while the database is away, confirmations
 * wait and are applied once it is back; a record that can never be applied lands on the
 * dead-letter topic with its error and is then acknowledged; transient failures are retried
 * without a letter.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class ReliableConsumerTests {

    @Inject
    ReliableConsumer reliably;

    @Inject
    ObjectMapper json;

    @Inject
    MeterRegistry metrics;

    @Test
    void confirmationsThatArriveWhileTheDatabaseIsAwayAreAppliedWhenItIsBack() throws Exception {
        TestPeers.atLeast(3);
        String user = "cora";
        String dir = "/" + user + "/reliable-" + UUID.randomUUID().toString().substring(0, 8);
        DirectClients.of(user).mkdirs(dir);
        byte[] content = new byte[700 * 1024];
        new Random(5).nextBytes(content);
        String path = dir + "/confirmed-later.bin";
        DirectClients.of(user).upload(path, new ByteArrayInputStream(content), Uploader.Options.none());
        String etag = DirectClients.of(user).stat(path).etag().replace("\"", "");
        String chunk = TestPeers.rows("SELECT chunk_id FROM version_chunks WHERE entry_id = "
                + etag.substring(0, etag.indexOf('.')) + " LIMIT 1").get(0);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> confirmed(chunk) == 3);
        // As if copies had been requested from two of the holders and not yet confirmed.
        List<String> nodes = TestPeers.rows("SELECT CAST(node_id AS text) FROM replicas WHERE chunk_id = '" + chunk
                + "' ORDER BY node_id LIMIT 2");
        TestPeers.execute("UPDATE replicas SET state = 'PENDING', updated_at = now() WHERE chunk_id = '" + chunk
                + "' AND node_id IN ('" + nodes.get(0) + "', '" + nodes.get(1) + "')");
        assertEquals(1, confirmed(chunk));
        double retriedBefore = retried(ConfirmationsConsumer.CHANNEL);
        // Signed by the nodes' own keys, as they would (read while the database still answers).
        java.util.Map<String, String> proofs = new java.util.HashMap<>();
        for (String node : nodes) {
            proofs.put(node, TestPeers.withNodeId(node).chunkEventProof(EventTypes.CHUNK_STORED, chunk));
        }

        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        try (Connection admin = TestPostgres.shared().connect("postgres"); Statement sql = admin.createStatement()) {
            sql.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS false");
            sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> pg_backend_pid()");
            try {
                try (KafkaProducer<String, String> peer = producer()) {
                    for (String node : nodes) {
                        var data = (com.fasterxml.jackson.databind.node.ObjectNode) json
                                .valueToTree(new ChunkEvents.Stored(chunk, node, content.length + 16));
                        data.put("proof", proofs.get(node));
                        CloudEvent stored = CloudEvent.of("/p2pfs/peer-agent", EventTypes.CHUNK_STORED, "chunk:" + chunk,
                                data);
                        peer.send(new ProducerRecord<>(Topics.CHUNK_CONFIRMATIONS, chunk, json.writeValueAsString(stored)))
                                .get(30, TimeUnit.SECONDS);
                    }
                }
                // The consumer meets the missing database and keeps the records.
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> retried(ConfirmationsConsumer.CHANNEL) >= retriedBefore + 2);
            } finally {
                sql.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS true");
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> confirmed(chunk) == 3);
        assertTrue(KafkaRecords.all(Topics.METADATA_DLQ).stream().noneMatch(r -> r.value().contains(chunk)),
                "nothing went to the dead-letter topic");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var ready = given().get("/q/health/ready");
            assertEquals(200, ready.statusCode(), "ready again: " + ready.asString());
        });
    }

    @Test
    void aRecordThatCanNeverApplyGoesToTheDeadLetterTopicWithItsErrorAndIsAcknowledged() throws Exception {
        String tag = "poison-" + UUID.randomUUID();
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean acked = new AtomicBoolean();
        Message<String> message = Message.of("{\"tag\":\"" + tag + "\"}", () -> {
            acked.set(true);
            return CompletableFuture.completedFuture(null);
        });
        reliably.apply("test-poison", message, () -> {
            attempts.incrementAndGet();
            return Uni.createFrom().failure(new PgException("duplicate key", "ERROR", "23505", "unique violation"));
        }).await().atMost(Duration.ofSeconds(60));
        assertTrue(acked.get(), "acknowledged once on the dead-letter topic");
        assertEquals(5, attempts.get(), "retried a few times first");
        JsonNode letter = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> KafkaRecords
                .all(Topics.METADATA_DLQ).stream().filter(r -> r.value().contains(tag)).map(r -> KafkaRecords
                        .parse(r.value())).findFirst().orElse(null), java.util.Objects::nonNull);
        assertEquals("test-poison", letter.path("channel").asText());
        assertTrue(letter.path("error").asText().contains("duplicate key"), letter.toString());
        assertTrue(letter.path("payload").asText().contains(tag));
        assertEquals(1.0, metrics.counter("p2pfs_kafka_records_total", "channel", "test-poison", "outcome",
                "dead_lettered").count());
    }

    @Test
    void aTransientFailureIsRetriedUntilItAppliesWithoutALetter() {
        String tag = "transient-" + UUID.randomUUID();
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean acked = new AtomicBoolean();
        Message<String> message = Message.of(tag, () -> {
            acked.set(true);
            return CompletableFuture.completedFuture(null);
        });
        // More failures than a poison record gets: a database that is away is waited for.
        reliably.apply("test-transient", message, () -> attempts.incrementAndGet() <= 7
                ? Uni.createFrom().failure(new PgException("connection lost", "FATAL", "08006", "gone"))
                : Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(60));
        assertTrue(acked.get());
        assertEquals(8, attempts.get());
        assertEquals(7.0, metrics.counter("p2pfs_kafka_records_total", "channel", "test-transient", "outcome",
                "retried").count());
        assertFalse(KafkaRecords.all(Topics.METADATA_DLQ).stream().anyMatch(r -> r.value().contains(tag)));
    }

    @Test
    void failuresAreToldApartByWhatTheDatabaseSaid() {
        assertTrue(ReliableConsumer.isTransient(new PgException("x", "FATAL", "57P01", "admin shutdown")));
        assertTrue(ReliableConsumer.isTransient(new RuntimeException(new PgException("x", "ERROR", "40001", "ser"))));
        assertTrue(ReliableConsumer.isTransient(new java.net.ConnectException("refused")));
        assertTrue(ReliableConsumer.isTransient(io.vertx.sqlclient.ClosedConnectionException.INSTANCE));
        assertFalse(ReliableConsumer.isTransient(new PgException("x", "ERROR", "23503", "foreign key")));
        assertFalse(ReliableConsumer.isTransient(new IllegalStateException("a bug")));
        assertEquals(Duration.ofMillis(100), ReliableConsumer.backoff(1));
        assertEquals(Duration.ofMillis(800), ReliableConsumer.backoff(4));
        assertEquals(Duration.ofSeconds(10), ReliableConsumer.backoff(40));
    }

    static long confirmed(String chunk) {
        return TestPeers.count("SELECT count(*) FROM replicas WHERE state = 'CONFIRMED' AND chunk_id = '" + chunk + "'");
    }

    double retried(String channel) {
        return metrics.counter("p2pfs_kafka_records_total", "channel", channel, "outcome", "retried").count();
    }

    static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.putAll(KafkaBroker.shared().clientProperties(KafkaBroker.ADMIN));
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}

package io.p2pfs.peer.placement;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.peer.ChunkSource;
import io.p2pfs.peer.PeerTestResource;
import io.p2pfs.peer.TestChunks;
import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.TestChunkTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Placement events on the real topic; the chunk is pulled over real HTTP from another node. */
@QuarkusTest
@WithTestResource(PeerTestResource.class)
class PlacementConsumerTests {

    private static ChunkSource source;

    @Inject
    ObjectMapper json;

    @Inject
    PlacementHandler handler;

    @BeforeAll
    static void startSource() {
        source = new ChunkSource();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    private static List<JsonNode> confirmations(String type, String chunkId) {
        return KafkaRecords.events(Topics.CHUNK_CONFIRMATIONS, e -> e.path("type").asText().equals(type)
                && e.path("data").path("chunkId").asText().equals(chunkId));
    }

    private void send(String nodeId, String value) throws Exception {
        Properties props = new Properties();
        // As the metadata service, the one writer of placements.
        props.putAll(KafkaBroker.shared().clientProperties(KafkaBroker.METADATA));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            // no explicit partition: Kafka's default partitioner on key = node id, as metadata sends
            producer.send(new ProducerRecord<>(Topics.CHUNK_PLACEMENTS, nodeId, value)).get();
        }
    }

    private String event(String type, Object data) throws Exception {
        return json.writeValueAsString(CloudEvent.of("/p2pfs/metadata", type, "chunk", json.valueToTree(data)));
    }

    private String placement(String chunkId, String nodeId, String sourceUrl, String readToken) throws Exception {
        String writeToken = TestChunkTokens.shared().token(chunkId, "write", nodeId).sign();
        return event(EventTypes.CHUNK_PLACEMENT_REQUESTED, new ChunkEvents.PlacementRequested(chunkId, nodeId,
                "source-node", sourceUrl, readToken, writeToken, 0));
    }

    private String heldAtSource(byte[] body) {
        String chunkId = TestChunks.id(body);
        source.hold(chunkId, body, TestChunkTokens.shared().token(chunkId, "read", "source-node").sign());
        return chunkId;
    }

    private static String readToken(String chunkId) {
        return TestChunkTokens.shared().token(chunkId, "read", "source-node").sign();
    }

    @Test
    void placementRequestMakesThisNodePullTheChunkStoreItAndConfirm() throws Exception {
        String nodeId = TestChunks.nodeId();
        byte[] body = TestChunks.random(700_000);
        String chunkId = TestChunks.id(body);
        String readToken = readToken(chunkId);
        source.hold(chunkId, body, readToken);

        send(nodeId, placement(chunkId, nodeId, source.url(), readToken));

        await().atMost(Duration.ofSeconds(60)).until(() -> !confirmations(EventTypes.CHUNK_STORED, chunkId).isEmpty());
        JsonNode stored = confirmations(EventTypes.CHUNK_STORED, chunkId).get(0);
        assertEquals(nodeId, stored.path("data").path("nodeId").asText());
        assertEquals(body.length, stored.path("data").path("size").asLong());
        assertEquals("chunk:" + chunkId, stored.path("subject").asText());
        assertArrayEquals(body, Files.readAllBytes(TestChunks.fileOf(chunkId)));
        assertEquals(1, source.requests(chunkId));
    }

    @Test
    void redeliveredPlacementDoesNoWorkTwice() throws Exception {
        String nodeId = TestChunks.nodeId();
        byte[] body = TestChunks.random(100_000);
        String chunkId = TestChunks.id(body);
        String readToken = readToken(chunkId);
        source.hold(chunkId, body, readToken);
        String event = placement(chunkId, nodeId, source.url(), readToken);

        send(nodeId, event);
        await().atMost(Duration.ofSeconds(60)).until(() -> !confirmations(EventTypes.CHUNK_STORED, chunkId).isEmpty());
        send(nodeId, event);
        // events of one node are handled in order: once a later one is confirmed, the redelivery was seen
        byte[] marker = TestChunks.random(1_000);
        String markerId = TestChunks.id(marker);
        String markerToken = readToken(markerId);
        source.hold(markerId, marker, markerToken);
        send(nodeId, placement(markerId, nodeId, source.url(), markerToken));
        await().atMost(Duration.ofSeconds(60)).until(() -> !confirmations(EventTypes.CHUNK_STORED, markerId).isEmpty());

        assertEquals(1, source.requests(chunkId));
        assertEquals(1, confirmations(EventTypes.CHUNK_STORED, chunkId).size());
    }

    @Test
    void unreachableChunkEndsInPlacementFailedAfterBoundedRetries() throws Exception {
        String nodeId = TestChunks.nodeId();
        String chunkId = TestChunks.id(TestChunks.random(64));
        send(nodeId, placement(chunkId, nodeId, source.url(), readToken(chunkId)));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> !confirmations(EventTypes.CHUNK_PLACEMENT_FAILED, chunkId).isEmpty());
        JsonNode failed = confirmations(EventTypes.CHUNK_PLACEMENT_FAILED, chunkId).get(0);
        assertEquals(3, failed.path("data").path("attempts").asInt());
        assertEquals(3, source.requests(chunkId));
        assertTrue(confirmations(EventTypes.CHUNK_STORED, chunkId).isEmpty());
    }

    @Test
    void placementWithAWriteTokenForAnotherNodeIsRefusedWithoutPulling() throws Exception {
        String nodeId = TestChunks.nodeId();
        byte[] body = TestChunks.random(2_000);
        String chunkId = heldAtSource(body);
        String foreignWrite = TestChunkTokens.shared().token(chunkId, "write", "another-node").sign();
        send(nodeId, event(EventTypes.CHUNK_PLACEMENT_REQUESTED, new ChunkEvents.PlacementRequested(chunkId, nodeId,
                "source-node", source.url(), readToken(chunkId), foreignWrite, body.length)));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> !confirmations(EventTypes.CHUNK_PLACEMENT_FAILED, chunkId).isEmpty());
        assertEquals(0, source.requests(chunkId));
        assertFalse(Files.exists(TestChunks.fileOf(chunkId)));
    }

    @Test
    void poisonRecordIsSkippedAndTheNextEventIsHandled() throws Exception {
        String nodeId = TestChunks.nodeId();
        long poisonBefore = handler.poisonCount();
        byte[] body = TestChunks.random(3_000);
        String chunkId = TestChunks.id(body);
        String readToken = readToken(chunkId);
        source.hold(chunkId, body, readToken);

        send(nodeId, "{ this is not json");
        send(nodeId, event(EventTypes.CHUNK_PLACEMENT_REQUESTED, java.util.Map.of("chunkId", "not-a-chunk-id",
                "targetNodeId", nodeId)));
        send(nodeId, placement(chunkId, nodeId, source.url(), readToken));
        await().atMost(Duration.ofSeconds(60)).until(() -> !confirmations(EventTypes.CHUNK_STORED, chunkId).isEmpty());
        assertTrue(handler.poisonCount() >= poisonBefore + 2);

        String deleteToken = TestChunkTokens.shared().token(chunkId, "delete", nodeId).sign();
        // Decided before the chunk was written: a newer write needs it, so it stays and is confirmed again.
        int storedBefore = confirmations(EventTypes.CHUNK_STORED, chunkId).size();
        send(nodeId, event(EventTypes.CHUNK_DELETE_REQUESTED, new ChunkEvents.DeleteRequested(chunkId, nodeId,
                deleteToken, java.time.Instant.now().minusSeconds(3600))));
        await().atMost(Duration.ofSeconds(60)).until(() -> confirmations(EventTypes.CHUNK_STORED, chunkId).size()
                > storedBefore);
        assertTrue(Files.exists(TestChunks.fileOf(chunkId)), "kept: written after the delete was decided");
        assertTrue(confirmations(EventTypes.CHUNK_DELETED, chunkId).isEmpty());
        send(nodeId, event(EventTypes.CHUNK_DELETE_REQUESTED, new ChunkEvents.DeleteRequested(chunkId, nodeId,
                deleteToken, null)));
        await().atMost(Duration.ofSeconds(60)).until(() -> !confirmations(EventTypes.CHUNK_DELETED, chunkId).isEmpty());
        assertFalse(Files.exists(TestChunks.fileOf(chunkId)));
    }
}

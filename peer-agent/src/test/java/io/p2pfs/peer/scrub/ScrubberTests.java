package io.p2pfs.peer.scrub;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.peer.PeerTestResource;
import io.p2pfs.peer.TestChunks;
import io.p2pfs.testing.KafkaRecords;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PeerTestResource.class)
class ScrubberTests {

    private static List<JsonNode> corrupt(String chunkId) {
        return KafkaRecords.events(Topics.CHUNK_CONFIRMATIONS, e -> e.path("type").asText()
                .equals(EventTypes.CHUNK_CORRUPT) && e.path("data").path("chunkId").asText().equals(chunkId));
    }

    @Test
    void byteFlippedOnDiskIsQuarantinedAndReported() throws Exception {
        byte[] body = TestChunks.random(200_000);
        String chunkId = TestChunks.id(body);
        given().header("Chunk-Token", TestChunks.token(chunkId, "write")).contentType("application/octet-stream")
                .body(body).put("/chunks/" + chunkId).then().statusCode(201);
        Path file = TestChunks.fileOf(chunkId);
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(12_345);
            int original = raw.read();
            raw.seek(12_345);
            raw.write(original ^ 0x01);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> !corrupt(chunkId).isEmpty());
        JsonNode event = corrupt(chunkId).get(0);
        assertEquals(TestChunks.nodeId(), event.path("data").path("nodeId").asText());
        assertFalse(Files.exists(file));
        try (Stream<Path> quarantined = Files.list(TestChunks.dataDir().resolve("quarantine"))) {
            assertTrue(quarantined.anyMatch(p -> p.getFileName().toString().startsWith(chunkId)));
        }
        given().header("Chunk-Token", TestChunks.token(chunkId, "read")).get("/chunks/" + chunkId).then()
                .statusCode(404);
    }
}

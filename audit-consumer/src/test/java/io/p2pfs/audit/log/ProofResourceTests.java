package io.p2pfs.audit.log;

import static io.p2pfs.audit.log.LogFixture.AUDITOR;
import static io.p2pfs.audit.log.LogFixture.append;
import static io.p2pfs.audit.log.LogFixture.file;
import static io.p2pfs.audit.log.LogFixture.offline;
import static io.p2pfs.audit.log.LogFixture.signHead;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.audit.ingest.AuditStore;
import io.p2pfs.common.audit.Merkle;
import io.p2pfs.common.audit.MerkleProofs;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proofs served from the stored tree verify offline against the signed heads, and fail when altered. */
@QuarkusTest
@TestProfile(LogTestProfile.class)
@WithTestResource(value = P2pfsTestResource.class, initArgs = {@ResourceArg(name = "service", value = "audit_log"),
        @ResourceArg(name = "restrictedRole", value = "true")})
class ProofResourceTests {

    @Inject
    AuditStore store;

    @Test
    void inclusionProofsOfEveryEntryVerifyOfflineAgainstTheHead() throws Exception {
        String tag = AuditEvents.tag();
        List<String> ids = append(store, tag, 37);
        JsonNode head = signHead();
        long size = head.path("treeSize").asLong();
        given().auth().oauth2(AUDITOR).when().get("/api/v1/audit/tree-head").then().statusCode(200)
                .body("treeSize", equalTo((int) size)).body("signature", equalTo(head.path("signature").asText()));
        String key = LogFixture.publicKey();
        for (String id : ids) {
            JsonNode proof = inclusion(AUDITOR, id, "");
            assertEquals(size, proof.path("treeSize").asLong());
            assertEquals(head.path("signature").asText(), proof.path("treeHead").path("signature").asText());
            List<byte[]> hashes = new ArrayList<>();
            proof.path("hashes").forEach(h -> hashes.add(Merkle.unhex(h.asText())));
            assertTrue(MerkleProofs.verifyInclusion(proof.path("leafIndex").asLong(), size,
                    Merkle.unhex(proof.path("leafHash").asText()), hashes, Merkle.unhex(head.path("rootHash").asText())));
        }
        JsonNode proof = inclusion(AUDITOR, ids.get(11), "");
        LogFixture.Result ok = check("inclusion", head, key, proof);
        assertEquals(0, ok.status(), ok.output());

        // an altered event, leaf hash or proof hash, or another head, does not verify
        ObjectNode alteredEvent = proof.deepCopy();
        ((ObjectNode) alteredEvent.path("event").path("data")).put("outcome", "DENIED");
        assertEquals(1, check("inclusion", head, key, alteredEvent).status());
        ObjectNode alteredHash = proof.deepCopy();
        ArrayNode hashes = (ArrayNode) alteredHash.path("hashes");
        hashes.set(0, AuditEvents.JSON.getNodeFactory().textNode(Merkle.hex(Merkle.leafHash("x"))));
        assertEquals(1, check("inclusion", head, key, alteredHash).status());
        ObjectNode forgedHead = head.deepCopy();
        forgedHead.put("rootHash", Merkle.hex(Merkle.leafHash("forged root")));
        assertEquals(1, check("inclusion", forgedHead, key, proof).status(), "a head whose signature does not hold");
    }

    @Test
    void aSignedHeadIsPublishedToTheTopicAndTheHeadsDirectory() throws Exception {
        append(store, AuditEvents.tag(), 3);
        JsonNode head = signHead();
        String signature = head.path("signature").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> io.p2pfs.testing.KafkaRecords
                .all(io.p2pfs.common.events.Topics.AUDIT_TREE_HEADS).stream()
                .anyMatch(record -> record.value() != null && record.value().contains(signature)));
        JsonNode latest = AuditEvents.JSON.readTree(java.nio.file.Files.readString(
                LogTestProfile.HEADS.resolve("latest.json")));
        assertEquals(signature, latest.path("signature").asText());
        assertTrue(java.nio.file.Files.readString(LogTestProfile.HEADS.resolve("tree-heads.ndjson")).contains(signature));
        assertEquals(LogFixture.publicKey(), java.nio.file.Files.readString(
                LogTestProfile.HEADS.resolve("signing-key.pub")).trim());
    }

    @Test
    void consistencyProofsBetweenSignedHeadsVerifyOffline() throws Exception {
        append(store, AuditEvents.tag(), 13);
        JsonNode older = signHead();
        append(store, AuditEvents.tag(), 29);
        JsonNode newer = signHead();
        long from = older.path("treeSize").asLong();
        long to = newer.path("treeSize").asLong();
        JsonNode proof = AuditEvents.JSON.readTree(given().auth().oauth2(AUDITOR).when()
                .get("/api/v1/audit/proofs/consistency?from=" + from + "&to=" + to).then().statusCode(200)
                .body("fromHead.treeSize", equalTo((int) from)).extract().asString());
        String key = LogFixture.publicKey();
        LogFixture.Result ok = offline("consistency", "--old", file("old.json", older.toString()).toString(), "--new",
                file("new.json", newer.toString()).toString(), "--key", key, "--proof",
                file("proof.json", proof.toString()).toString());
        assertEquals(0, ok.status(), ok.output());
        LogFixture.Result swapped = offline("consistency", "--old", file("old.json", newer.toString()).toString(), "--new",
                file("new.json", older.toString()).toString(), "--key", key, "--proof",
                file("proof.json", proof.toString()).toString());
        assertEquals(1, swapped.status(), swapped.output());
        for (long first = 1; first <= to; first += 7) {
            JsonNode each = AuditEvents.JSON.readTree(given().auth().oauth2(AUDITOR).when()
                    .get("/api/v1/audit/proofs/consistency?from=" + first + "&to=" + to).then().statusCode(200)
                    .extract().asString());
            assertEquals(first == to ? 0 : Merkle.consistencyPath(first, to).size(), each.path("hashes").size());
        }
    }

    @Test
    void proofsAnswerClearErrorsAndFollowTheSearchScope() throws Exception {
        String tag = AuditEvents.tag();
        List<String> ids = append(store, tag, 2);
        signHead();
        String owner = TestTokens.user(tag).sign();
        String stranger = TestTokens.user(tag + "x").sign();
        inclusion(owner, ids.get(0), "");
        given().auth().oauth2(stranger).when().get("/api/v1/audit/proofs/inclusion?eventId=" + ids.get(0)).then()
                .statusCode(404).contentType("application/problem+json");
        for (String bad : List.of("", "?eventId=", "?eventId=" + ids.get(0) + "&treeSize=0",
                "?eventId=" + ids.get(0) + "&treeSize=x", "?eventId=" + ids.get(0) + "&treeSize=999999999")) {
            given().auth().oauth2(AUDITOR).when().get("/api/v1/audit/proofs/inclusion" + bad).then().statusCode(400)
                    .contentType("application/problem+json");
        }
        given().auth().oauth2(AUDITOR).when().get("/api/v1/audit/proofs/inclusion?eventId=nope").then()
                .statusCode(404);
        for (String bad : List.of("", "?from=1", "?from=0&to=1", "?from=3&to=2", "?from=1&to=999999999")) {
            given().auth().oauth2(AUDITOR).when().get("/api/v1/audit/proofs/consistency" + bad).then()
                    .statusCode(400).contentType("application/problem+json");
        }
        // newer than the latest head: 409 until one is signed
        List<String> later = append(store, tag, 1);
        given().auth().oauth2(owner).when().get("/api/v1/audit/proofs/inclusion?eventId=" + later.get(0)).then()
                .statusCode(409).contentType("application/problem+json");
        given().auth().oauth2(owner).when().post("/api/v1/audit/tree-heads").then().statusCode(403);
        signHead();
        inclusion(owner, later.get(0), "");
        given().when().get("/api/v1/audit/signing-keys").then().statusCode(200).body("[0].algorithm",
                equalTo("Ed25519")).body("[0].current", equalTo(true));
    }

    private static JsonNode inclusion(String token, String eventId, String extra) throws Exception {
        return AuditEvents.JSON.readTree(given().auth().oauth2(token).when()
                .get("/api/v1/audit/proofs/inclusion?eventId=" + eventId + extra).then().statusCode(200).extract()
                .asString());
    }

    private static LogFixture.Result check(String kind, JsonNode head, String key, JsonNode proof) throws Exception {
        return offline(kind, "--head", file("head.json", head.toString()).toString(), "--key", key,
                "--proof", file("proof.json", proof.toString()).toString());
    }
}

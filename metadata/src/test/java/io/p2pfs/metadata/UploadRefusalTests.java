package io.p2pfs.metadata;

import static io.p2pfs.metadata.DataPathTests.random;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.client.transfer.ControlPlane;
import io.p2pfs.common.chunks.StorageReceipts;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an upload session refuses, each time with problem+json naming what is wrong and nothing
 * committed: commits without enough receipts, with forged, replayed or misattributed receipts,
 * naming chunks never placed or of the wrong length; ended, expired and other users' sessions.
 * A refused commit leaves the session open, and the right commit afterwards succeeds.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class UploadRefusalTests {

    static final String USER = "rhea";
    static final String STRANGER = "sten";
    static String dir;

    @BeforeEach
    void peersAndDirectory() {
        TestPeers.atLeast(4);
        if (dir == null) {
            dir = "/" + USER + "/refusals-" + UUID.randomUUID().toString().substring(0, 8);
            DirectClients.of(USER).mkdirs(dir);
            DirectClients.of(STRANGER);
        }
    }

    /** A chunk written to its first W targets by hand, with the receipts the nodes gave. */
    record Written(String chunkId, String plainHash, int plainLength, int cipherSize, List<String> receipts,
            List<Uploads.Target> targets) {
        Uploads.ManifestEntry entry() {
            return new Uploads.ManifestEntry(chunkId, plainHash, plainLength);
        }
    }

    static Written write(P2pfsClient client, Uploads.Session session, byte[] plain) throws Exception {
        SecretKeySpec convergence = new SecretKeySpec(Base64.getDecoder().decode(session.convergenceKey().key()),
                "HmacSHA256");
        ChunkCipher.Sealed sealed = ChunkCipher.encrypt(convergence, plain, plain.length);
        String chunkId = HexFormat.of().formatHex(sealed.chunkId());
        Uploads.ChunkPlacement placement = client.controlPlane().place(session.uploadId(),
                new Uploads.PlacementRequest(List.of(new Uploads.ChunkToPlace(chunkId, sealed.cipher().length))))
                .chunks().get(0);
        assertFalse(placement.stored());
        assertEquals(session.writeQuorum() + 2, placement.targets().size(), "W targets and two spares");
        List<String> receipts = new ArrayList<>();
        for (Uploads.Target target : placement.targets().subList(0, session.writeQuorum())) {
            receipts.add(client.transport().put(target.url(), chunkId, target.writeToken(), sealed.cipher())
                    .get(30, TimeUnit.SECONDS));
        }
        return new Written(chunkId, HexFormat.of().formatHex(sealed.plainHash()), plain.length,
                sealed.cipher().length, receipts, placement.targets());
    }

    static Uploads.Session begin(P2pfsClient client, String path) {
        return client.controlPlane().begin(new Uploads.Begin(path, null, false), Set.of());
    }

    static P2pfsException refused(Runnable call) {
        try {
            call.run();
        } catch (P2pfsException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    static void nothingAt(String path) {
        given().auth().oauth2(DirectClients.token(USER)).get("/api/v1/stat" + path).then().statusCode(404)
                .contentType("application/problem+json");
    }

    static Uploads.Commit commit(List<Uploads.ManifestEntry> manifest, List<String> receipts) {
        return new Uploads.Commit(manifest, receipts, "ab".repeat(32));
    }

    @Test
    void receiptsShortOfTheQuorumAreRefusedNamingTheChunkAndTheRightCommitThenSucceeds() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        ControlPlane control = client.controlPlane();
        String path = dir + "/short.bin";
        Uploads.Session session = begin(client, path);
        Written chunk = write(client, session, random(300_000, 1));

        P2pfsException none = refused(() -> control.commit(session.uploadId(), commit(List.of(chunk.entry()),
                List.of()), Set.of()));
        assertEquals(422, none.status());
        assertEquals(chunk.chunkId(), none.problem().get("chunkId"));
        assertEquals("missing-receipts", none.problem().get("reason"));
        P2pfsException one = refused(() -> control.commit(session.uploadId(), commit(List.of(chunk.entry()),
                chunk.receipts().subList(0, 1)), Set.of()));
        assertEquals(422, one.status());
        assertEquals(chunk.chunkId(), one.problem().get("chunkId"));
        // The same node's receipt twice is one node, not two.
        P2pfsException twice = refused(() -> control.commit(session.uploadId(), commit(List.of(chunk.entry()),
                List.of(chunk.receipts().get(0), chunk.receipts().get(0))), Set.of()));
        assertEquals("missing-receipts", twice.problem().get("reason"));
        nothingAt(path);

        Uploads.Result result = control.commit(session.uploadId(), commit(List.of(chunk.entry()), chunk.receipts()),
                Set.of());
        assertEquals(1, result.version());
        assertEquals(1, result.chunksSent());
        given().auth().oauth2(DirectClients.token(USER)).get("/api/v1/stat" + path).then().statusCode(200);
        // A committed session is over.
        assertEquals(410, refused(() -> control.commit(session.uploadId(), commit(List.of(chunk.entry()),
                chunk.receipts()), Set.of())).status());
    }

    @Test
    void aForgedReceiptIsRefused() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        String path = dir + "/forged.bin";
        Uploads.Session session = begin(client, path);
        Written chunk = write(client, session, random(200_000, 2));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String forged = StorageReceipts.sign(new StorageReceipts.Receipt(chunk.chunkId(),
                chunk.targets().get(2).nodeId(), chunk.cipherSize(), Instant.now().getEpochSecond()),
                generator.generateKeyPair().getPrivate(), "forger");
        P2pfsException refusal = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(chunk.entry()), List.of(chunk.receipts().get(0), forged)), Set.of()));
        assertEquals(422, refusal.status());
        assertEquals("forged", refusal.problem().get("reason"));
        assertEquals(chunk.chunkId(), refusal.problem().get("chunkId"));
        assertEquals(chunk.targets().get(2).nodeId(), refusal.problem().get("nodeId"));
        nothingAt(path);
    }

    @Test
    void aReceiptSignedByOneNodeButNamingAnotherIsRefused() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        String path = dir + "/wrong-node.bin";
        Uploads.Session session = begin(client, path);
        Written chunk = write(client, session, random(200_000, 3));
        Uploads.Target signer = chunk.targets().get(0);
        Uploads.Target named = chunk.targets().get(2);
        TestPeers.Peer peer = TestPeers.atLeast(4).stream().filter(p -> p.url().equals(signer.url())).findFirst()
                .orElseThrow();
        var key = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(peer.dataDir.resolve("node-key.jwk")));
        String misattributed = StorageReceipts.sign(new StorageReceipts.Receipt(chunk.chunkId(), named.nodeId(),
                chunk.cipherSize(), Instant.now().getEpochSecond()), key.getPrivateKey(), "signer");
        P2pfsException refusal = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(chunk.entry()), List.of(chunk.receipts().get(0), misattributed)), Set.of()));
        assertEquals(422, refusal.status());
        assertEquals("forged", refusal.problem().get("reason"));
        assertEquals(named.nodeId(), refusal.problem().get("nodeId"));
        nothingAt(path);
    }

    @Test
    void anotherChunksReceiptsDoNotCountForThisOne() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        String path = dir + "/replayed.bin";
        Uploads.Session session = begin(client, path);
        Written first = write(client, session, random(200_000, 4));
        Written second = write(client, session, random(200_000, 5));
        P2pfsException notInCommit = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(second.entry()), first.receipts()), Set.of()));
        assertEquals(422, notInCommit.status());
        assertEquals(first.chunkId(), notInCommit.problem().get("chunkId"));
        assertEquals("not-in-commit", notInCommit.problem().get("reason"));
        P2pfsException missing = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(first.entry(), second.entry()), first.receipts()), Set.of()));
        assertEquals(second.chunkId(), missing.problem().get("chunkId"));
        assertEquals("missing-receipts", missing.problem().get("reason"));
        nothingAt(path);
    }

    @Test
    void chunksNeverPlacedOrOfTheWrongLengthAreRefused() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        String path = dir + "/unplaced.bin";
        Uploads.Session session = begin(client, path);
        Written chunk = write(client, session, random(150_000, 6));
        String unknown = DirectDataPathTests.randomChunkId();
        P2pfsException unplaced = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(chunk.entry(), new Uploads.ManifestEntry(unknown, "cd".repeat(32), 1000)), chunk.receipts()),
                Set.of()));
        assertEquals(422, unplaced.status());
        assertEquals(unknown, unplaced.problem().get("chunkId"));
        assertEquals("not-placed", unplaced.problem().get("reason"));
        P2pfsException length = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(new Uploads.ManifestEntry(chunk.chunkId(), chunk.plainHash(), chunk.plainLength() - 1)),
                chunk.receipts()), Set.of()));
        assertEquals("wrong-length", length.problem().get("reason"));
        P2pfsException malformed = refused(() -> client.controlPlane().commit(session.uploadId(), commit(
                List.of(chunk.entry()), List.of("not.a.receipt")), Set.of()));
        assertEquals(422, malformed.status());
        nothingAt(path);
    }

    @Test
    void endedExpiredAndOtherUsersSessionsAreRefused() throws Exception {
        P2pfsClient client = DirectClients.of(USER);
        ControlPlane control = client.controlPlane();
        String path = dir + "/ended.bin";

        Uploads.Session aborted = begin(client, path);
        Written chunk = write(client, aborted, random(100_000, 7));
        control.abort(aborted.uploadId());
        control.abort(aborted.uploadId());
        assertEquals(410, refused(() -> control.commit(aborted.uploadId(), commit(List.of(chunk.entry()),
                chunk.receipts()), Set.of())).status());
        assertEquals(410, refused(() -> control.place(aborted.uploadId(), new Uploads.PlacementRequest(List.of(
                new Uploads.ChunkToPlace(chunk.chunkId(), chunk.cipherSize()))))).status());

        Uploads.Session expiring = begin(client, path);
        Written again = write(client, expiring, random(100_000, 8));
        TestPeers.execute("UPDATE upload_sessions SET expires_at = now() - interval '1 second' WHERE upload_id = '"
                + expiring.uploadId() + "'");
        P2pfsException expired = refused(() -> control.commit(expiring.uploadId(), commit(List.of(again.entry()),
                again.receipts()), Set.of()));
        assertEquals(410, expired.status());
        assertTrue(expired.detail().contains("expired"), expired.detail());

        Uploads.Session mine = begin(client, path);
        Written third = write(client, mine, random(100_000, 9));
        ControlPlane stranger = DirectClients.of(STRANGER).controlPlane();
        assertEquals(404, refused(() -> stranger.commit(mine.uploadId(), commit(List.of(third.entry()),
                third.receipts()), Set.of())).status());
        assertEquals(404, refused(() -> stranger.place(mine.uploadId(), new Uploads.PlacementRequest(List.of(
                new Uploads.ChunkToPlace(third.chunkId(), third.cipherSize()))))).status());
        // The control plane's abort takes 404 as done; over plain HTTP the stranger sees the 404.
        given().auth().oauth2(DirectClients.token(STRANGER)).delete("/api/v1/uploads/" + mine.uploadId()).then()
                .statusCode(404).contentType("application/problem+json");
        assertEquals(404, refused(() -> control.commit(UUID.randomUUID(), commit(List.of(), List.of()), Set.of()))
                .status());
        nothingAt(path);
        control.abort(mine.uploadId());
    }

    @Test
    void malformedRequestsAreBadRequestsWithProblemJson() {
        String token = DirectClients.token(USER);
        given().auth().oauth2(token).contentType("application/json").body("{}").post("/api/v1/uploads")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(token).contentType("application/json").body("{\"path\":\"/a/../b\"}")
                .post("/api/v1/uploads").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(token).contentType("application/json").body("{\"chunks\":[]}")
                .post("/api/v1/uploads/not-a-uuid/placements").then().statusCode(400)
                .contentType("application/problem+json");
        String uploadId = given().auth().oauth2(token).contentType("application/json")
                .body("{\"path\":\"" + dir + "/malformed.bin\"}").post("/api/v1/uploads").then().statusCode(201)
                .extract().path("uploadId");
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"chunks\":[{\"chunkId\":\"XYZ\",\"size\":100}]}")
                .post("/api/v1/uploads/" + uploadId + "/placements").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(token).contentType("application/json")
                .body("{\"chunks\":[{\"chunkId\":\"" + "a".repeat(64) + "\",\"size\":999999999}]}")
                .post("/api/v1/uploads/" + uploadId + "/placements").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(token).contentType("application/json").body("{\"manifest\":[],\"receipts\":[]}")
                .post("/api/v1/uploads/" + uploadId + "/commit").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType("application/json").body("{\"path\":\"" + dir + "/x\"}").post("/api/v1/uploads")
                .then().statusCode(401).contentType("application/problem+json");
    }
}

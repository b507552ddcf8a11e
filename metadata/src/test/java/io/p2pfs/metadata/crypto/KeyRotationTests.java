package io.p2pfs.metadata.crypto;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.metadata.MetadataProcess;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestPeers;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.ServiceProcess;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A master-key rotation round trip on the packaged service and the real database: files
 * written under key k1 are re-encrypted to k2 while served, then read by a service that knows
 * k2 only (k1 retired); finally everything moves back so the service under test, which knows
 * k1 only, reads it again.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class KeyRotationTests {

    static final String K1 = ConfigProvider.getConfig().getValue("p2pfs.crypto.master-key", String.class);
    static final String K2 = newKey();

    static String newKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static ServiceProcess metadata(String activeId, String activeKey, String previous) {
        return MetadataProcess.start(Map.of("P2PFS_MASTER_KEY", activeKey, "P2PFS_MASTER_KEY_ID", activeId,
                "P2PFS_PREVIOUS_MASTER_KEYS", previous));
    }

    @Test
    void filesWrittenUnderAnOldKeyStillReadAfterReencryptionAndRetirement() throws Exception {
        TestPeers.atLeast(3);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String owner = "kit-" + tag;
        String token = TestUsers.token(owner);
        String admin = TestTokens.user("keys-admin-" + tag).roles("admin").sign();
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        String dir = "/" + owner + "/rotate-" + tag;
        given().auth().oauth2(token).post("/api/v1/dirs" + dir).then().statusCode(201);
        io.p2pfs.metadata.TestCalls.upload(token, dir + "/before.bin", content).then().statusCode(201);
        given().auth().oauth2(admin).get("/api/v1/admin/keys").then().statusCode(200)
                .body("activeKeyId", equalTo("k1")).body("rowsByKeyId.k1.versions", org.hamcrest.Matchers.greaterThan(0));
        // Neither a user nor a storage node may see or start a rotation.
        given().auth().oauth2(token).post("/api/v1/admin/keys/reencrypt").then().statusCode(403);

        ServiceProcess rotating = metadata("k2", K2, "k1:" + K1);
        try {
            JsonPath result = given().baseUri(rotating.url()).auth().oauth2(admin)
                    .post("/api/v1/admin/keys/reencrypt").then().statusCode(200).extract().jsonPath();
            assertTrue(result.getLong("entries") >= 1, "names re-sealed");
            assertTrue(result.getLong("versions") >= 1, "manifests re-sealed");
            assertTrue(result.getLong("signingKeys") >= 1, "signing keys re-sealed");
            assertEquals(java.util.List.of("k2"), java.util.List.copyOf(
                    result.getMap("status.rowsByKeyId").keySet()), "nothing is left under k1");
            // Served during and after the rotation, by name and by content.
            given().baseUri(rotating.url()).auth().oauth2(token).get("/api/v1/files" + dir + "/before.bin").then()
                    .statusCode(200);
        } finally {
            rotating.stop();
        }

        ServiceProcess retired = metadata("k2", K2, "");
        try {
            byte[] read = given().baseUri(retired.url()).auth().oauth2(token).get("/api/v1/files" + dir + "/before.bin")
                    .then().statusCode(200).extract().asByteArray();
            assertTrue(java.util.Arrays.equals(content, read), "the old file reads back under k2 alone");
            given().baseUri(retired.url()).auth().oauth2(token).get("/api/v1/list" + dir).then().statusCode(200)
                    .body("entries.name", hasItem("before.bin"));
            given().baseUri(retired.url()).auth().oauth2(token).contentType("application/octet-stream")
                    .body("written under k2".getBytes()).put("/api/v1/files" + dir + "/after.txt").then().statusCode(201);
            String log = Files.readString(retired.log());
            assertFalse(log.contains(K2) || log.contains(K1), "no master key in the log");
        } finally {
            retired.stop();
        }

        // Back to k1, so that this test JVM's service (k1 only) reads everything again.
        ServiceProcess back = metadata("k1", K1, "k2:" + K2);
        try {
            given().baseUri(back.url()).auth().oauth2(admin).post("/api/v1/admin/keys/reencrypt").then()
                    .statusCode(200);
        } finally {
            back.stop();
        }
        given().auth().oauth2(token).get("/api/v1/files" + dir + "/after.txt").then().statusCode(200)
                .body(equalTo("written under k2"));
        byte[] again = given().auth().oauth2(token).get("/api/v1/files" + dir + "/before.bin").then().statusCode(200)
                .extract().asByteArray();
        assertTrue(java.util.Arrays.equals(content, again));
    }
}

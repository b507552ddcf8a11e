package io.p2pfs.audit.log;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.audit.AuditEvents;
import io.p2pfs.audit.entry.AuditEntry;
import io.p2pfs.audit.ingest.AuditStore;
import io.p2pfs.common.audit.OfflineVerifier;
import io.p2pfs.testing.TestTokens;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Appends, signs, verifies and checks offline, for the log's tests. */
final class LogFixture {

    static final String AUDITOR = TestTokens.user("log-auditor").roles("auditor").sign();

    private LogFixture() {
    }

    /** Appends {@code count} events of actor {@code tag} and returns their ids. */
    static List<String> append(AuditStore store, String tag, int count) throws Exception {
        List<AuditEntry> entries = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var event = AuditEvents.event("file.uploaded", tag, "/" + tag + "/f" + i, "SUCCESS", Instant.now(),
                    Map.of("i", i));
            entries.add(AuditEntry.fromRecord(event.toString().getBytes(StandardCharsets.UTF_8)));
            ids.add(AuditEvents.id(event));
        }
        store.append(entries).await().atMost(Duration.ofSeconds(30));
        return ids;
    }

    /** Signs a head now (POST /api/v1/audit/tree-heads) and returns it as JSON. */
    static JsonNode signHead() throws Exception {
        String body = given().auth().oauth2(AUDITOR).when().post("/api/v1/audit/tree-heads").then().statusCode(201)
                .extract().asString();
        return AuditEvents.JSON.readTree(body);
    }

    static ValidatableResponse verify() {
        return given().auth().oauth2(AUDITOR).when().get("/api/v1/audit/verify").then().statusCode(200);
    }

    static String publicKey() {
        return given().when().get("/api/v1/audit/signing-keys").then().statusCode(200).extract()
                .path("[0].publicKey");
    }

    /** Runs the offline verifier; returns its exit status and output. */
    static Result offline(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = OfflineVerifier.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    record Result(int status, String output) {
    }

    static Path file(String name, String content) throws Exception {
        Path file = Files.createTempFile("p2pfs-audit-", "-" + name);
        Files.writeString(file, content);
        file.toFile().deleteOnExit();
        return file;
    }

    /** The whole log exported as an auditor sees it (ndjson), in a file. */
    static Path export() throws Exception {
        String body = given().auth().oauth2(AUDITOR).when().get("/api/v1/audit/export?format=ndjson").then()
                .statusCode(200).extract().asString();
        return file("export.ndjson", body);
    }
}

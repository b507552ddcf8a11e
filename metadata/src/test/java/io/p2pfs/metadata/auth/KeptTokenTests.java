package io.p2pfs.metadata.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens verified once and kept until they expire: a kept token is answered with its own
 * identity, never past its expiry, and any token that differs from a kept one (another signature,
 * a changed claim, no signature) is verified on its own and refused.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class KeptTokenTests {

    @Inject
    MeterRegistry metrics;

    double hits() {
        return metrics.counter("p2pfs_auth_tokens_kept_hits_total").count();
    }

    static String usageOf(String token) {
        return given().auth().oauth2(token).get("/api/v1/usage").then().statusCode(200).extract().path("userId");
    }

    @Test
    void aTokenSeenBeforeIsAnsweredFromItsFirstVerification() {
        String token = TestUsers.token("kept-kim");
        assertEquals("kept-kim", usageOf(token));
        double before = hits();
        for (int i = 0; i < 5; i++) {
            assertEquals("kept-kim", usageOf(token));
        }
        // At least: requests of other tests running meanwhile may be answered from kept tokens too.
        assertTrue(hits() >= before + 5, "each repeat of the token is answered without verifying it again");
    }

    @Test
    void aKeptTokenIsRefusedFromItsExpiryOn() {
        TestUsers.register("kept-kai");
        String token = TestTokens.user("kept-kai").claim("exp", Instant.now().plusSeconds(4).getEpochSecond()).sign();
        assertEquals("kept-kai", usageOf(token));
        double before = hits();
        assertEquals("kept-kai", usageOf(token));
        assertTrue(hits() > before, "the token is kept");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().auth().oauth2(token).get("/api/v1/usage").statusCode() == 401);
        given().auth().oauth2(token).get("/api/v1/usage").then().statusCode(401);
    }

    @Test
    void aTokenDifferingFromAKeptOneIsVerifiedOnItsOwn() {
        String good = TestUsers.token("kept-kit");
        usageOf(good);
        usageOf(good);
        // The same claims with the roles raised after signing, signed by a stranger's key, unsigned.
        for (String forged : List.of(TestTokens.user("kept-kit").tampered().sign(),
                TestTokens.user("kept-kit").signedByStranger().sign(), TestTokens.user("kept-kit").unsigned().sign(),
                good.substring(0, good.length() - 2) + (good.endsWith("AA") ? "BB" : "AA"), good + "x")) {
            given().auth().oauth2(forged).get("/api/v1/usage").then().statusCode(401);
            given().auth().oauth2(forged).get("/api/v1/admin/usage").then().statusCode(401);
        }
        // And the kept token keeps its own roles: a plain user's.
        given().auth().oauth2(good).get("/api/v1/admin/usage").then().statusCode(403);
    }

    @Test
    void concurrentCallersWithKeptTokensEachGetTheirOwnIdentity() throws Exception {
        List<String> users = List.of("kept-kay", "kept-kem", "kept-kev", "kept-kip");
        List<String> tokens = users.stream().map(TestUsers::token).toList();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String token = tokens.get(i % tokens.size());
                answers.add(pool.submit(() -> {
                    start.await();
                    return usageOf(token);
                }));
            }
            start.countDown();
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(users.get(i % users.size()), answers.get(i).get(), "request " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

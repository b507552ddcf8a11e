package io.p2pfs.tracker;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every token attack is refused with 401 problem+json; a valid token without the role gets 403. */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = @ResourceArg(name = "service", value = "tracker"))
class AuthenticationTests {

    static Stream<Arguments> badTokens() {
        String login = "mal" + UUID.randomUUID().toString().substring(0, 6);
        return Stream.of(
                Arguments.of("expired", TestTokens.user(login).expired().sign()),
                Arguments.of("wrong issuer", TestTokens.user(login).issuer("https://evil.example/realms/p2pfs").sign()),
                Arguments.of("wrong audience", TestTokens.user(login).audience("someone-else").sign()),
                Arguments.of("tampered signature", TestTokens.user(login).tampered().sign()),
                Arguments.of("alg none", TestTokens.user(login).unsigned().sign()),
                Arguments.of("signed by a stranger", TestTokens.user(login).signedByStranger().sign()),
                Arguments.of("garbage", "not.a.jwt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokensAreRefusedWith401(String attack, String token) {
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/users")
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        given().auth().oauth2(token).when().get("/api/v1/nodes")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void noTokenIsRefusedWith401() {
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/users")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        given().when().get("/api/v1/users/me").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void nodeTokenCannotRegisterUsers() {
        given().auth().oauth2(TestTokens.node().sign()).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/users")
                .then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
    }

    @Test
    void userTokenCannotRegisterOrDrainNodes() {
        String user = TestTokens.user("nia" + UUID.randomUUID().toString().substring(0, 6)).sign();
        given().auth().oauth2(user).contentType(ContentType.JSON)
                .body("{\"url\":\"https://peer.example:8451\",\"capacityBytes\":1000,\"zone\":\"z1\"}")
                .when().post("/api/v1/nodes").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(user).when().delete("/api/v1/nodes/" + UUID.randomUUID())
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void everyDenialBecomesAnAccessDeniedEventOnKafka() {
        String resource = "/api/v1/nodes/" + UUID.randomUUID();
        String login = "pia" + UUID.randomUUID().toString().substring(0, 6);
        given().when().delete(resource).then().statusCode(401);
        given().auth().oauth2(TestTokens.user(login).sign()).when().delete(resource).then().statusCode(403);
        given().auth().oauth2(TestTokens.user(login).expired().sign()).when().delete(resource).then().statusCode(401);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            var events = io.p2pfs.testing.KafkaRecords.events(io.p2pfs.common.events.Topics.ACCESS,
                    e -> e.path("subject").asText().equals(resource));
            org.junit.jupiter.api.Assertions.assertEquals(3, events.size());
            for (var event : events) {
                org.junit.jupiter.api.Assertions.assertEquals("access.denied", event.path("type").asText());
                org.junit.jupiter.api.Assertions.assertEquals("DENIED", event.path("data").path("outcome").asText());
                org.junit.jupiter.api.Assertions.assertEquals("127.0.0.1",
                        event.path("data").path("clientAddress").asText());
                org.junit.jupiter.api.Assertions.assertFalse(event.toString().contains("eyJ"),
                        "no token in the event");
            }
            var forbidden = events.stream().filter(e -> e.path("data").path("details").path("status").asInt() == 403)
                    .toList();
            org.junit.jupiter.api.Assertions.assertEquals(1, forbidden.size());
            org.junit.jupiter.api.Assertions.assertEquals(login, forbidden.get(0).path("data").path("actor").asText());
            org.junit.jupiter.api.Assertions.assertEquals(2, events.stream()
                    .filter(e -> e.path("data").path("details").path("status").asInt() == 401).count());
        });
    }

    @Test
    void healthAndOpenApiNeedNoToken() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void unknownPathsAndMethodsAreProblems() {
        String user = TestTokens.user("oli" + UUID.randomUUID().toString().substring(0, 6)).sign();
        given().auth().oauth2(user).when().get("/api/v1/nothing-here")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(user).when().patch("/api/v1/users")
                .then().statusCode(405).contentType("application/problem+json");
    }
}

package io.p2pfs.metadata.files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.metadata.MetadataTestResource;
import io.p2pfs.metadata.TestCalls;
import io.p2pfs.metadata.TestUsers;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.TestTokens;
import io.p2pfs.testing.TestTracker;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /dirs} under races: creators of the same directories at once (two clients, a
 * client and the home made at registration) each get the answer they would get alone.
 */
@QuarkusTest
@WithTestResource(value = MetadataTestResource.class, initArgs = @ResourceArg(name = "service", value = "metadata"))
class DirectoryCreationTests {

    static final int CREATORS = 16;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    record Answer(int status, JsonNode body, String contentType) {
        /** A {@code mkdir -p} answer: 201 when it made a directory, 200 when all were there. */
        void assertMkdirsSucceeded() {
            assertEquals(body.path("created").isEmpty() ? 200 : 201, status, body.toString());
        }
    }

    /** Sends every request at once and waits for all answers. */
    static List<Answer> atOnce(String token, String url) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CREATORS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Answer>> pending = new ArrayList<>();
            for (int i = 0; i < CREATORS; i++) {
                pending.add(pool.submit(() -> {
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port + url))
                            .timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()).build();
                    start.await();
                    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    return new Answer(response.statusCode(), KafkaRecords.parse(response.body()),
                            response.headers().firstValue("Content-Type").orElse(""));
                }));
            }
            start.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : pending) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentMkdirWithParentsAllSucceedAndEachDirectoryIsCreatedOnce() throws Exception {
        String tag = TestCalls.tag();
        String user = "dcp-" + tag;
        String token = TestUsers.token(user);
        String deep = "/" + user + "/race/a/b/c";

        List<Answer> answers = atOnce(token, "/api/v1/dirs" + deep + "?parents=true");

        Map<String, Integer> creations = new HashMap<>();
        for (Answer answer : answers) {
            answer.assertMkdirsSucceeded();
            answer.body().path("created").forEach(dir -> creations.merge(dir.asText(), 1, Integer::sum));
        }
        // The home may have been made by the registration or by one of the creators; each other once.
        creations.remove("/" + user);
        assertEquals(Map.of("/" + user + "/race", 1, "/" + user + "/race/a", 1, "/" + user + "/race/a/b", 1,
                deep, 1), creations);
        List<String> names = given().auth().oauth2(token).get("/api/v1/list/" + user + "/race/a").then()
                .statusCode(200).extract().path("entries.name");
        assertEquals(List.of("b"), names);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1, KafkaRecords.events(
                Topics.FILES, ev -> ev.path("type").asText().equals("dir.created")
                        && ev.path("subject").asText().equals(deep)).size()));
    }

    @Test
    void ofConcurrentMkdirsWithoutParentsOneCreatesAndTheOthersGet409() throws Exception {
        String tag = TestCalls.tag();
        String user = "dco-" + tag;
        String token = TestUsers.token(user);
        String dir = "/" + user + "/once";

        List<Answer> answers = atOnce(token, "/api/v1/dirs" + dir);

        List<Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
        List<Answer> refused = answers.stream().filter(a -> a.status() == 409).toList();
        assertEquals(1, created.size(), answers.toString());
        assertEquals(CREATORS - 1, refused.size(), answers.toString());
        refused.forEach(a -> assertEquals("application/problem+json", a.contentType()));
        List<String> made = new ArrayList<>();
        created.get(0).body().path("created").forEach(d -> made.add(d.asText()));
        assertEquals(List.of(dir), made);
    }

    @Test
    void aUserCreatingInsideTheHomeWhileRegistrationMakesItGetsTheirDirectory() throws Exception {
        // Registered at the tracker and at once at work: the user's mkdir of the home races the
        // home the metadata service makes when it reads the registration.
        for (int round = 0; round < 5; round++) {
            String user = "dch-" + TestCalls.tag() + "-" + round;
            String token = TestTokens.user(user).sign();
            given().baseUri(TestTracker.shared().url()).auth().oauth2(token).contentType("application/json")
                    .body("{}").post("/api/v1/users").then().statusCode(201);
            List<Answer> answers = atOnce(token, "/api/v1/dirs/" + user + "/inside?parents=true");
            answers.forEach(Answer::assertMkdirsSucceeded);
            given().auth().oauth2(token).get("/api/v1/acl/" + user).then().statusCode(200)
                    .body("owner", equalTo(user));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1, KafkaRecords
                    .events(Topics.FILES, ev -> ev.path("type").asText().equals("dir.created")
                            && ev.path("subject").asText().equals("/" + user)).size(), "the home is made once"));
        }
    }
}

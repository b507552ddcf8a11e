package io.p2pfs.tracker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.KafkaRecords;
import io.p2pfs.testing.P2pfsTestResource;
import io.p2pfs.testing.TestPostgres;
import io.p2pfs.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The outbox delays events while Kafka is down and then delivers each exactly once. */
@QuarkusTest
@WithTestResource(value = P2pfsTestResource.class, initArgs = @ResourceArg(name = "service", value = "tracker"))
class OutboxDeliveryTests {

    @Test
    void eventsCommittedWhileTheBrokerIsDownArriveExactlyOnceAfterItReturns() throws Exception {
        String batch = "out" + UUID.randomUUID().toString().substring(0, 6);
        List<String> userIds = new ArrayList<>();
        KafkaBroker broker = KafkaBroker.shared();
        broker.stop();
        try {
            for (int i = 0; i < 10; i++) {
                String userId = batch + "-" + i;
                userIds.add(userId);
                given().auth().oauth2(TestTokens.user(userId).sign()).post("/api/v1/users").then().statusCode(201);
            }
            assertEquals(10, pendingInOutbox(batch), "all events wait in the outbox while Kafka is down");
        } finally {
            broker.start();
        }

        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> pendingInOutbox(batch) == 0);
        List<JsonNode> events = KafkaRecords.events(Topics.USERS,
                e -> e.path("subject").asText().startsWith("user:" + batch + "-"));
        Map<String, Long> perUser = events.stream().collect(Collectors.groupingBy(
                e -> e.path("data").path("details").path("userId").asText(), Collectors.counting()));
        assertEquals(userIds.stream().collect(Collectors.toMap(Function.identity(), id -> 1L)), perUser,
                "every event arrives exactly once");
        assertEquals(10, events.stream().map(e -> e.path("id").asText()).distinct().count());
    }

    private static int pendingInOutbox(String batch) throws Exception {
        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        try (Connection connection = TestPostgres.shared().connect(database);
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM outbox WHERE event_type = 'user.registered' AND record_key LIKE ?")) {
            query.setString(1, batch + "-%");
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}

package io.p2pfs.peer.membership;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.p2pfs.peer.PeerTestResource;
import io.p2pfs.peer.TestChunks;
import io.p2pfs.testing.TestTokens;
import io.p2pfs.testing.TestTracker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Against the real tracker, run from its built jar. */
@QuarkusTest
@WithTestResource(PeerTestResource.class)
class MembershipTests {

    private static final String ADMIN = TestTokens.user("root-admin").roles("admin").sign();

    @Inject
    Membership membership;

    @Inject
    NodeIdentity identity;

    @Inject
    NodeKey key;

    private static io.restassured.response.ValidatableResponse trackerView(String nodeId) {
        return given().baseUri(TestTracker.shared().url()).auth().oauth2(ADMIN).get("/api/v1/nodes/" + nodeId).then();
    }

    @Test
    void registersWithItsUrlZoneAndCapacityAndHeartbeats() {
        String nodeId = TestChunks.nodeId();
        String url = ConfigProvider.getConfig().getValue("p2pfs.peer.public-url", String.class);
        trackerView(nodeId).statusCode(200).body("state", equalTo("UP")).body("url", equalTo(url))
                .body("zone", equalTo("z-test")).body("capacityBytes", equalTo(16777216))
                .body("publicKey.kty", equalTo("EC")).body("publicKey.crv", equalTo("P-256"))
                .body("publicKey.kid", equalTo(key.keyId())).body("publicKey.d", equalTo(null));
        long beats = membership.heartbeats();
        await().atMost(Duration.ofSeconds(30)).until(() -> membership.heartbeats() >= beats + 2);
        trackerView(nodeId).statusCode(200).body("state", equalTo("UP"));
    }

    @Test
    void registersAgainWhenTheTrackerForgetsIt() {
        String before = TestChunks.nodeId();
        long registrations = membership.registrations();

        TestTracker.shared().forgetAllNodes();

        await().atMost(Duration.ofSeconds(30)).until(() -> membership.registrations() > registrations);
        String after = identity.require();
        assertNotEquals(before, after);
        trackerView(after).statusCode(200).body("state", equalTo("UP"));
        trackerView(before).statusCode(404);
    }
}

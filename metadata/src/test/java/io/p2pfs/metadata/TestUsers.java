package io.p2pfs.metadata;

import static io.restassured.RestAssured.given;

import io.p2pfs.testing.TestTokens;
import io.p2pfs.testing.TestTracker;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users registered at the real test tracker, as a user would before using the metadata service,
 * and the people of the lock, conflict and policy tests (the "other writer" there is an admin,
 * who may write anywhere).
 */
public final class TestUsers {

    private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

    static final String OWNER = "lena";
    static final String OTHER = "otto-admin";
    static final String OWNER_TOKEN = registered(OWNER, TestTokens.user(OWNER).claim("exp", expiry()).sign());
    static final String OTHER_TOKEN = registered(OTHER,
            TestTokens.user(OTHER).roles("user", "admin").claim("exp", expiry()).sign());
    /** A plain user who owns nothing of the tests' files. */
    static final String STRANGER_TOKEN = registered("sam", TestTokens.user("sam").claim("exp", expiry()).sign());

    private TestUsers() {
    }

    /** Registers {@code login} (once per test JVM) and answers a token for it with the given groups. */
    public static String token(String login, String... groups) {
        register(login);
        return TestTokens.user(login).groups(groups).sign();
    }

    /**
     * Registers {@code login} under its own name as user id (201 the first time, 409 after) and
     * waits for its home directory.
     */
    public static void register(String login) {
        if (REGISTERED.contains(login)) {
            return;
        }
        int status = given().baseUri(TestTracker.shared().url()).auth().oauth2(TestTokens.user(login).sign())
                .contentType("application/json").body("{}").post("/api/v1/users").statusCode();
        if (status != 201 && status != 409) {
            throw new IllegalStateException("registering " + login + " at the tracker answered " + status);
        }
        // The metadata service makes the new user's home /<login> once it reads the registration.
        String token = TestTokens.user(login).sign();
        String metadata = MetadataTestResource.url;
        if (metadata != null) {
            // In this thread: the static fields below register users while this class initialises.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInSameThread()
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> given().baseUri(metadata)
                            .auth().oauth2(token).get("/api/v1/stat/" + login).statusCode() == 200);
        }
        REGISTERED.add(login);
    }

    private static String registered(String login, String token) {
        register(login);
        return token;
    }

    private static long expiry() {
        return Instant.now().plusSeconds(3 * 3600).getEpochSecond();
    }
}

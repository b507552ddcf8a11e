package io.p2pfs.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Wires a service under test to the real infrastructure: the shared test Kafka broker, a
 * fresh PostgreSQL database, and OIDC verification against {@link TestTokens}' key and issuer.
 *
 * <p>Init args: {@code service} (names the database; default {@code svc}), {@code database}
 * ({@code false} for a service without one).
 */
public class P2pfsTestResource implements QuarkusTestResourceLifecycleManager {

    private String service = "svc";
    private boolean database = true;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault("service", service);
        database = Boolean.parseBoolean(initArgs.getOrDefault("database", "true"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        config.put("quarkus.oidc.public-key", TestTokens.publicKeyBase64());
        config.put("quarkus.oidc.token.issuer", TestTokens.ISSUER);
        config.put("quarkus.oidc.token.audience", TestTokens.AUDIENCE);
        if (database) {
            TestPostgres postgres = TestPostgres.shared();
            String name = postgres.createDatabase("p2pfs_test_" + service);
            config.put("quarkus.datasource.username", postgres.user());
            config.put("quarkus.datasource.password", postgres.password());
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(name));
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(name));
            config.put("p2pfs.test.database", name);
        }
        return config;
    }

    @Override
    public void stop() {
        // The broker and server live for the whole test JVM; the database is dropped at exit.
    }
}

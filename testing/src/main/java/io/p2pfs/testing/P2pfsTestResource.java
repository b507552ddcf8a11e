package io.p2pfs.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Wires a service under test to the real infrastructure: the shared test Kafka broker (as the
 * service's own principal), a
 * fresh PostgreSQL database, and OIDC verification against {@link TestTokens}' key and issuer.
 *
 * <p>Init args: {@code service} (names the database; default {@code svc}), {@code database}
 * ({@code false} for a service without one), {@code restrictedRole} ({@code true}: the service
 * runs as a role of its own that owns nothing, while Flyway migrates as the database's owner, as
 * in production where the service's role may only do what its migrations grant).
 */
public class P2pfsTestResource implements QuarkusTestResourceLifecycleManager {

    private String service = "svc";
    private boolean database = true;
    private boolean restrictedRole;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault("service", service);
        database = Boolean.parseBoolean(initArgs.getOrDefault("database", "true"));
        restrictedRole = Boolean.parseBoolean(initArgs.getOrDefault("restrictedRole", "false"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.putAll(KafkaBroker.shared().quarkusConfig(KafkaBroker.shared().principalOf(service)));
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
            if (restrictedRole) {
                String[] role = postgres.createRole("p2pfs_test_" + service + "_app");
                config.put("quarkus.flyway.username", postgres.user());
                config.put("quarkus.flyway.password", postgres.password());
                config.put("quarkus.datasource.username", role[0]);
                config.put("quarkus.datasource.password", role[1]);
                config.put("p2pfs.test.app-role", role[0]);
                config.put("p2pfs.test.app-role-password", role[1]);
            }
        }
        return config;
    }

    @Override
    public void stop() {
        // The broker and server live for the whole test JVM; the database is dropped at exit.
    }
}

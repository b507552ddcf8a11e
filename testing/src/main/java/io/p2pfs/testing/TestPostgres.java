package io.p2pfs.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real PostgreSQL server for tests, and a fresh database per test run on it.
 *
 * <p>Uses the server named by {@code P2PFS_TEST_PG_HOST}/{@code _PORT}/{@code _USER}/{@code
 * _PASSWORD} (default: localhost:5432 as {@code p2pfs_test}, the role
 * {@code deploy/local/postgres ensure --test-role} creates). If none answers, it starts an
 * embedded PostgreSQL from Maven Central binaries, so the tests need nothing but a JDK. Test
 * databases are dropped when the JVM exits.
 */
public final class TestPostgres {

    private static TestPostgres shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final List<String> created = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    private TestPostgres(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    public static synchronized TestPostgres shared() {
        if (shared == null) {
            TestPostgres configured = new TestPostgres(env("P2PFS_TEST_PG_HOST", "localhost"),
                    Integer.parseInt(env("P2PFS_TEST_PG_PORT", "5432")), env("P2PFS_TEST_PG_USER", "p2pfs_test"),
                    env("P2PFS_TEST_PG_PASSWORD", "p2pfs_test"));
            if (configured.answers()) {
                shared = configured;
            } else {
                shared = embedded();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::dropCreated));
        }
        return shared;
    }

    private static TestPostgres embedded() {
        try {
            EmbeddedPostgres server = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // the JVM is exiting; the temp directory goes with it
                }
            }));
            return new TestPostgres("localhost", server.getPort(), "postgres", "postgres");
        } catch (Exception e) {
            throw new IllegalStateException("no PostgreSQL answers on the configured server and the embedded one "
                    + "failed to start; run deploy/local/postgres ensure --test-role", e);
        }
    }

    /** Creates an empty database named {@code <prefix>_<random>} and returns its name. */
    public synchronized String createDatabase(String prefix) {
        String name = (prefix.replaceAll("[^a-z0-9_]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase();
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        created.add(name);
        return name;
    }

    /**
     * Creates a login role {@code <prefix>_<random>} with no privileges (a service's restricted
     * runtime role; the migrations grant it what it may do) and returns {name, password}.
     * Needs the test login to have CREATEROLE ({@code deploy/local/postgres ensure --test-role}).
     */
    public synchronized String[] createRole(String prefix) {
        String name = (prefix.replaceAll("[^a-z0-9_]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase();
        String secret = UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + secret + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test role " + name + " (the test login needs CREATEROLE: "
                    + "run deploy/local/postgres ensure --test-role)", e);
        }
        roles.add(name);
        return new String[] {name, secret};
    }

    /** Drops a database made by {@link #createDatabase} now rather than at exit (benchmarks with big ones). */
    public synchronized void dropDatabase(String name) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            created.remove(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    private boolean answers() {
        try (Connection ignored = connect("postgres")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private synchronized void dropCreated() {
        for (String name : created) {
            try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException ignored) {
                // best effort at exit: a leftover test database harms nothing
            }
        }
        for (String role : roles) {
            try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("DROP ROLE IF EXISTS " + role);
            } catch (SQLException ignored) {
                // best effort at exit, after its databases are gone
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

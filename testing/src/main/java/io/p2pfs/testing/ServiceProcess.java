package io.p2pfs.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's services, run from its built jar as a child process of the test JVM on
 * a free port (plain HTTP), configured only by environment variables the way a deployment
 * configures it, connected to the test broker as its own Kafka principal. Stopped when the JVM exits, and its home deleted then (see {@link TestRunCleanup}).
 * Its output goes to {@code <home>/service.log}.
 */
public final class ServiceProcess {

    private final String name;
    private final Process process;
    private final int port;
    private final Path home;

    private ServiceProcess(String name, Process process, int port, Path home) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.home = home;
    }

    /**
     * Starts {@code <module>/target/quarkus-app/quarkus-run.jar} with {@code env} (plus its
     * HTTP port: a free one unless {@code env} names {@code QUARKUS_HTTP_PORT}) and waits until {@code /q/health/ready} answers 200.
     */
    public static ServiceProcess start(String module, Map<String, String> env, Duration timeout) {
        Path jar = ProjectRoot.find().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(module + " is not built: build it first: ./mvnw -pl " + module + " -am package");
        }
        try {
            // A caller that must know the port up front (to tell a peer its public URL) sets it.
            int port = env.containsKey("QUARKUS_HTTP_PORT") ? Integer.parseInt(env.get("QUARKUS_HTTP_PORT"))
                    : KafkaBroker.freePort();
            Path home = TestRunCleanup.scratchDir("p2pfs-test-" + module + "-");
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            // Full tiered compilation: with C1 alone SHA-256 and AES-GCM have no intrinsics (about 85
            // and 20 MB/s here against 1 and 4 GB/s), and every test that moves data waits on that.
            List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC",
                    "-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(home.resolve("service.log").toFile());
            if (!env.containsKey("KAFKA_SASL_JAAS_CONFIG")) {
                builder.environment().putAll(KafkaBroker.shared().environment(KafkaBroker.shared().principalOf(module)));
            }
            builder.environment().putAll(env);
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            ServiceProcess service = new ServiceProcess(module, builder.start(), port, home);
            TestRunCleanup.onExit(service::stop);
            service.awaitReady(timeout);
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + module, e);
        }
    }

    /**
     * The variables every service started by a test needs: its database on the shared test
     * PostgreSQL, the shared broker, and tokens checked against the test key and issuer.
     */
    public static Map<String, String> testEnvironment(String database) {
        TestPostgres postgres = TestPostgres.shared();
        Map<String, String> env = new java.util.HashMap<>();
        env.put("QUARKUS_HTTP_SSL_PORT", "0");
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(database));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        env.put("QUARKUS_OIDC_PUBLIC_KEY", TestTokens.publicKeyBase64());
        env.put("QUARKUS_OIDC_TOKEN_ISSUER", TestTokens.ISSUER);
        return env;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return home.resolve("service.log");
    }

    /** Kills the process at once ({@code SIGKILL}): no shutdown hook runs, nothing is flushed. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log());
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop();
        throw new IllegalStateException(name + " not ready in " + timeout + "; see " + log());
    }
}

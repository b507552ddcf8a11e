package io.p2pfs.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (single KRaft node) run as a child process of the test JVM, from
 * the jars {@code deploy/kafka-dist} copies. One per test JVM ({@link #shared()}); tests isolate
 * by topic and group names. A test may {@link #stop()} and {@link #start()} it to simulate an
 * outage: it comes back on the same port with its data.
 *
 * <p>Set {@code P2PFS_TEST_KAFKA_BOOTSTRAP} to reuse a running broker instead (outage tests
 * then cannot run and fail with a clear message).
 */
public final class KafkaBroker {

    private static KafkaBroker shared;

    private final String external;
    private final Path home;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(String external, Path home, int port, int controllerPort) {
        this.external = external;
        this.home = home;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            String external = System.getenv("P2PFS_TEST_KAFKA_BOOTSTRAP");
            if (external != null && !external.isBlank()) {
                shared = new KafkaBroker(external, null, -1, -1);
            } else {
                try {
                    Path home = TestRunCleanup.scratchDir("p2pfs-test-kafka-");
                    shared = new KafkaBroker(null, home, freePort(), freePort());
                    shared.format();
                    shared.start();
                    TestRunCleanup.onExit(shared::destroy);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot start the test Kafka broker", e);
                }
            }
        }
        return shared;
    }

    public String bootstrapServers() {
        return external != null ? external : "127.0.0.1:" + port;
    }

    /** Starts (or restarts) the broker and waits until it serves requests. */
    public synchronized void start() {
        requireOwned();
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = java("kafka.Kafka", home.resolve("server.properties").toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("broker.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Kafka broker", e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    /** Stops the broker (a clean shutdown, as in an outage with a restart). */
    public synchronized void stop() {
        requireOwned();
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        awaitPortClosed();
    }

    private void destroy() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private void format() throws IOException {
        Path data = home.resolve("data");
        Files.createDirectories(data);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", data.toString());
        props.put("num.partitions", "3");
        props.put("auto.create.topics.enable", "false");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        try (var out = Files.newBufferedWriter(home.resolve("server.properties"))) {
            props.store(out, "p2pfs test broker");
        }
        try {
            Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    home.resolve("server.properties").toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("format.log").toFile()))
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting Kafka storage failed; see " + home.resolve("format.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        Path libs = ProjectRoot.find().resolve("deploy/kafka-dist/target/libs");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("Kafka broker jars missing: run ./mvnw -f deploy/kafka-dist/pom.xml package");
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dlog4j2.level=WARN", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", libs + "/*", mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited; see " + home.resolve("broker.log"));
            }
            if (accepts()) {
                try (Admin admin = Admin.create(props)) {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // still starting
                }
            }
            pause(200);
        }
        throw new IllegalStateException("Kafka broker not ready in " + timeout + "; see " + home.resolve("broker.log"));
    }

    private void awaitPortClosed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (accepts() && System.nanoTime() < deadline) {
            pause(100);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void requireOwned() {
        if (external != null) {
            throw new IllegalStateException("this test stops and starts the broker, which needs a broker owned by "
                    + "the tests: unset P2PFS_TEST_KAFKA_BOOTSTRAP");
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A TCP port free on this machine right now, for a process a test starts. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}

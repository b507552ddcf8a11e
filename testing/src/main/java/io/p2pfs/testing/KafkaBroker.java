package io.p2pfs.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.p2pfs.common.kafka.KafkaAccess;
import io.p2pfs.common.kafka.KafkaProvisioning;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (single KRaft node) run as a child process of the test JVM, from
 * the jars {@code deploy/kafka-dist} copies, secured as in production: its only client listener
 * is SASL_SSL with SCRAM-SHA-512 (a self-signed certificate for 127.0.0.1 made at format), the
 * controller listener takes only its own PLAIN login over TLS, and the standard authorizer
 * denies what no ACL allows. At start it creates the system's topics and a principal per
 * service with exactly the ACLs of {@link KafkaAccess}; {@link #newPeer()} adds one per storage
 * peer; {@link #ADMIN} (a super user) is the tests' own.
 *
 * <p>One per test JVM ({@link #shared()}); tests isolate by topic contents and group names. A
 * test may {@link #stop()} and {@link #start()} it to simulate an outage: it comes back on the
 * same port with its data, users and ACLs.
 */
public final class KafkaBroker {

    /** The tests' own principal: a super user that publishes and reads anything. */
    public static final String ADMIN = "admin";
    /** The principals of the services, each with its role's ACLs. */
    public static final String TRACKER = "tracker";
    public static final String METADATA = "metadata";
    public static final String AUDIT = "audit";

    private static KafkaBroker shared;

    private final Path home;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> passwords = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger peers = new java.util.concurrent.atomic.AtomicInteger();
    private Process process;

    private KafkaBroker(Path home, int port, int controllerPort) {
        this.home = home;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            try {
                Path home = TestRunCleanup.scratchDir("p2pfs-test-kafka-");
                shared = new KafkaBroker(home, freePort(), freePort());
                shared.format();
                shared.start();
                TestRunCleanup.onExit(shared::destroy);
                shared.provision();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test Kafka broker", e);
            }
        }
        return shared;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * What a Kafka client needs to connect as {@code principal}: bootstrap servers, SASL_SSL with
     * SCRAM-SHA-512 and its password, the broker's certificate as trust store.
     */
    public Map<String, String> clientProperties(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka principal '" + principal + "' on the test broker");
        }
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers());
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", scramJaas(principal, password));
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", home.resolve("broker-cert.pem").toString());
        return props;
    }

    /** {@link #clientProperties} as a Quarkus service reads them: {@code kafka.*}. */
    public Map<String, String> quarkusConfig(String principal) {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        clientProperties(principal).forEach((key, value) -> config.put("kafka." + key, value));
        config.put("p2pfs.kafka.create-topics", "false");
        return config;
    }

    /** {@link #clientProperties} as environment variables of a service process: {@code KAFKA_*}. */
    public Map<String, String> environment(String principal) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        clientProperties(principal).forEach((key, value) ->
                env.put("KAFKA_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
        env.put("P2PFS_KAFKA_CREATE_TOPICS", "false");
        return env;
    }

    /**
     * The principal a service connects as, by its name or module ({@code tracker},
     * {@code metadata}, {@code audit...}/{@code audit-consumer}; each peer, {@code peer...}/{@code
     * peer-agent}, a new one), so every service under test has exactly its production ACLs.
     */
    public String principalOf(String service) {
        if (service.startsWith("audit")) {
            return AUDIT;
        }
        if (service.startsWith("peer")) {
            return newPeer();
        }
        return switch (service) {
            case "tracker" -> TRACKER;
            case "metadata" -> METADATA;
            default -> throw new IllegalArgumentException("no Kafka principal for service '" + service + "'");
        };
    }

    /** A new principal for one storage peer ({@code peer-N}) with the peers' ACLs; its name. */
    public String newPeer() {
        String name = "peer-" + peers.incrementAndGet();
        principal(name, KafkaAccess.Role.PEER);
        return name;
    }

    /**
     * A principal of its own for a test playing one kind of client ({@code <role>-<suffix>}),
     * with that role's ACLs, so the test sees what the broker lets that role do.
     */
    public String principal(String name, KafkaAccess.Role role) {
        String password = java.util.UUID.randomUUID().toString();
        try (Admin admin = Admin.create(adminProperties())) {
            new KafkaProvisioning(admin).principal(name, role, password);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create Kafka principal " + name, e);
        }
        passwords.put(name, password);
        awaitLogin(name);
        return name;
    }

    private void provision() throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            new KafkaProvisioning(admin).createTopics(6, 12, (short) 1);
        }
        principal(TRACKER, KafkaAccess.Role.TRACKER);
        principal(METADATA, KafkaAccess.Role.METADATA);
        principal(AUDIT, KafkaAccess.Role.AUDIT);
    }

    private Properties adminProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties(ADMIN));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return props;
    }

    /** A new SCRAM credential reaches the broker's cache through the metadata log: wait until it logs in. */
    private void awaitLogin(String name) {
        Properties props = new Properties();
        props.putAll(clientProperties(name));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                pause(100);
            }
        }
        throw new IllegalStateException("Kafka principal " + name + " cannot log in", last);
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Starts (or restarts) the broker and waits until it serves requests. */
    public synchronized void start() {
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
        String storePassword = java.util.UUID.randomUUID().toString();
        String controllerPassword = java.util.UUID.randomUUID().toString();
        passwords.put(ADMIN, java.util.UUID.randomUUID().toString());
        certificate(storePassword);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "BROKER://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "BROKER://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "BROKER");
        props.put("listener.security.protocol.map", "BROKER:SASL_SSL,CONTROLLER:SASL_SSL");
        props.put("listener.name.broker.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("listener.name.broker.scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, passwords.get(ADMIN)));
        props.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"controller\" "
                        + "password=\"" + controllerPassword + "\" user_controller=\"" + controllerPassword + "\";");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", home.resolve("broker.p12").toString());
        props.put("ssl.keystore.password", storePassword);
        props.put("ssl.key.password", storePassword);
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", home.resolve("broker-cert.pem").toString());
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN + ";User:controller");
        props.put("allow.everyone.if.no.acl.found", "false");
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
        run(java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                home.resolve("server.properties").toString(), "--add-scram",
                "SCRAM-SHA-512=[name=" + ADMIN + ",password=" + passwords.get(ADMIN) + "]"), "format.log");
    }

    /** A self-signed certificate for 127.0.0.1 and localhost in broker.p12, and the same certificate as PEM. */
    private void certificate(String storePassword) throws IOException {
        Path keytool = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("keytool");
        Path store = home.resolve("broker.p12");
        run(new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost,O=p2pfs test broker", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "30", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", storePassword)
                .redirectErrorStream(true).directory(home.toFile()), "keytool.log");
        run(new ProcessBuilder(keytool.toString(), "-exportcert", "-rfc", "-alias", "broker", "-keystore",
                store.toString(), "-storepass", storePassword, "-file", home.resolve("broker-cert.pem").toString())
                .redirectErrorStream(true).directory(home.toFile()), "keytool.log");
    }

    private void run(ProcessBuilder command, String log) {
        try {
            Process process = command.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve(log).toFile()))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command.command().get(0) + " failed; see " + home.resolve(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
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
        props.putAll(clientProperties(ADMIN));
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

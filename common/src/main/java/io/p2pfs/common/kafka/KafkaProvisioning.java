package io.p2pfs.common.kafka;

import io.p2pfs.common.events.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Prepares a broker for the system, as its administrator: the topics, a SCRAM-SHA-512 login per
 * principal, and each principal's ACLs from {@link KafkaAccess}. Idempotent: run again, it
 * creates what is missing and sets the passwords it is given. On Kubernetes the Strimzi
 * operators do this from the {@code KafkaTopic} and {@code KafkaUser} resources; the local
 * stack and the tests run it.
 *
 * <p>From a shell: {@code java -cp <common jar>:<kafka-clients jars> io.p2pfs.common.kafka.KafkaProvisioning
 * ADMIN_CLIENT_PROPERTIES NAME=PASSWORD_FILE...}, where each NAME names its role
 * ({@code tracker}, {@code metadata}, {@code audit}, {@code peer-1}, ...).
 */
public final class KafkaProvisioning {

    private static final int ITERATIONS = 4096;

    private final Admin admin;

    public KafkaProvisioning(Admin admin) {
        this.admin = admin;
    }

    /**
     * Creates every topic of the system that is missing (idempotent across services and replicas
     * racing to create one); answers those this call created.
     */
    public List<String> createTopics(int partitions, int placementPartitions, short replicationFactor)
            throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = Topics.ALL.stream().filter(topic -> !existing.contains(topic))
                .map(topic -> new NewTopic(topic,
                        topic.equals(Topics.CHUNK_PLACEMENTS) ? placementPartitions : partitions, replicationFactor)
                        .configs(Map.of("min.insync.replicas", "1")))
                .toList();
        List<String> created = new ArrayList<>();
        for (var topic : admin.createTopics(missing).values().entrySet()) {
            try {
                topic.getValue().get(30, TimeUnit.SECONDS);
                created.add(topic.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + topic.getKey(), e);
                }
            }
        }
        return created;
    }

    /** Sets {@code name}'s SCRAM password and grants it exactly its role's ACLs. */
    public void principal(String name, KafkaAccess.Role role, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password)))
                .all().get(30, TimeUnit.SECONDS);
        admin.createAcls(KafkaAccess.bindings(name, role)).all().get(30, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KafkaProvisioning ADMIN_CLIENT_PROPERTIES [NAME=PASSWORD_FILE]...");
            System.exit(2);
        }
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            config.load(in);
        }
        Map<String, String> principals = new java.util.LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected NAME=PASSWORD_FILE, got " + args[i]);
            }
            principals.put(args[i].substring(0, eq), read(Path.of(args[i].substring(eq + 1))));
        }
        int partitions = Integer.parseInt(config.getProperty("p2pfs.partitions", "6"));
        int placements = Integer.parseInt(config.getProperty("p2pfs.placement-partitions", "12"));
        Properties client = new Properties();
        config.forEach((key, value) -> {
            if (!key.toString().startsWith("p2pfs.")) {
                client.put(key, value);
            }
        });
        try (Admin admin = Admin.create(client)) {
            KafkaProvisioning provisioning = new KafkaProvisioning(admin);
            provisioning.createTopics(partitions, placements, (short) 1);
            List<String> done = new ArrayList<>();
            for (var principal : principals.entrySet()) {
                provisioning.principal(principal.getKey(), KafkaAccess.Role.ofPrincipal(principal.getKey()),
                        principal.getValue());
                done.add(principal.getKey());
            }
            System.out.println("Kafka topics ready; principals " + String.join(", ", done));
        }
    }

    private static String read(Path file) throws IOException {
        String password = Files.readString(file).strip();
        if (password.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty");
        }
        return password;
    }
}

package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaAccess;
import io.p2pfs.common.kafka.KafkaSettings;
import io.smallrye.config.WithDefault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka as the code uses it: the KafkaTopics are exactly the topics of {@link Topics#ALL}; the
 * placement topic has the partition count the peers map node ids onto; replicas fit the brokers;
 * every ACL names a topic that exists, and each KafkaUser grants exactly its role's ACLs; every service connects over TLS to a listener that
 * authenticates the way the service does, as a KafkaUser that exists.
 */
public final class KafkaChecks {

    private KafkaChecks() {
    }

    /** The placement partitions every service assumes unless configured otherwise. */
    public static int defaultPlacementPartitions() {
        try {
            return Integer.parseInt(KafkaSettings.class.getMethod("placementPartitions")
                    .getAnnotation(WithDefault.class).value());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String topicName(Manifest topic) {
        return topic.spec().path("topicName").asText(topic.name());
    }

    public static List<String> check(Rendered rendered, Inventory inventory) {
        List<String> problems = new ArrayList<>();
        List<Manifest> topics = rendered.ofKind("KafkaTopic");
        Set<String> declared = new TreeSet<>();
        topics.forEach(t -> declared.add(topicName(t)));
        Set<String> used = new TreeSet<>(Topics.ALL);
        if (!declared.equals(used)) {
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(declared);
            Set<String> extra = new TreeSet<>(declared);
            extra.removeAll(used);
            problems.add("KafkaTopics differ from the topics the code uses: missing " + missing + ", not used " + extra);
        }
        int brokers = 0;
        for (Manifest pool : rendered.ofKind("KafkaNodePool")) {
            boolean broker = false;
            for (JsonNode role : pool.spec().path("roles")) {
                broker |= role.asText().equals("broker");
            }
            if (broker) {
                brokers += pool.spec().path("replicas").asInt();
            }
        }
        int placementPartitions = placementPartitions(rendered, inventory).orElse(defaultPlacementPartitions());
        for (Manifest topic : topics) {
            int replicas = topic.spec().path("replicas").asInt();
            if (replicas > brokers) {
                problems.add(topic.id() + ": " + replicas + " replicas on " + brokers + " brokers");
            }
            int minInSync = topic.spec().path("config").path("min.insync.replicas").asInt(1);
            if (minInSync > replicas) {
                problems.add(topic.id() + ": min.insync.replicas " + minInSync + " > replicas " + replicas);
            }
            if (topicName(topic).equals(Topics.CHUNK_PLACEMENTS)
                    && topic.spec().path("partitions").asInt() != placementPartitions) {
                problems.add(topic.id() + ": " + topic.spec().path("partitions").asInt() + " partitions, but the peers map"
                        + " node ids onto " + placementPartitions);
            }
        }
        for (Manifest user : rendered.ofKind("KafkaUser")) {
            aclsOfItsRole(user, problems);
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                JsonNode resource = acl.path("resource");
                if (resource.path("type").asText().equals("topic") && resource.path("patternType").asText("literal").equals("literal")
                        && !declared.contains(resource.path("name").asText())) {
                    problems.add(user.id() + ": ACL on topic " + resource.path("name").asText() + ", which is no KafkaTopic");
                }
            }
        }
        clients(rendered, inventory, problems);
        return problems;
    }

    /**
     * A KafkaUser grants exactly what the code grants its role ({@link KafkaAccess}, the table the
     * local stack and the tests apply): nothing more, nothing less.
     */
    private static void aclsOfItsRole(Manifest user, List<String> problems) {
        KafkaAccess.Role role;
        try {
            role = KafkaAccess.Role.ofPrincipal(user.name());
        } catch (IllegalArgumentException e) {
            problems.add(user.id() + ": no role of the system is named like this KafkaUser");
            return;
        }
        Set<String> granted = new TreeSet<>();
        for (JsonNode acl : user.at("/spec/authorization/acls")) {
            JsonNode resource = acl.path("resource");
            String pattern = resource.path("patternType").asText("literal");
            for (JsonNode operation : acl.path("operations")) {
                granted.add(resource.path("type").asText() + " " + resource.path("name").asText() + " ("
                        + pattern + "): " + operation.asText());
            }
        }
        Set<String> expected = new TreeSet<>();
        for (KafkaAccess.Grant grant : KafkaAccess.grants(role)) {
            for (var operation : grant.operations()) {
                String op = operation.name().charAt(0) + operation.name().substring(1).toLowerCase(java.util.Locale.ROOT);
                expected.add(grant.type().name().toLowerCase(java.util.Locale.ROOT) + " " + grant.name() + " ("
                        + (grant.pattern() == org.apache.kafka.common.resource.PatternType.PREFIXED ? "prefix" : "literal")
                        + "): " + op);
            }
        }
        Set<String> extra = new TreeSet<>(granted);
        extra.removeAll(expected);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(granted);
        if (!extra.isEmpty()) {
            problems.add(user.id() + ": grants more than the " + role + " role may do: " + extra);
        }
        if (!missing.isEmpty()) {
            problems.add(user.id() + ": lacks ACLs the " + role + " role needs: " + missing);
        }
    }

    private static Optional<Integer> placementPartitions(Rendered rendered, Inventory inventory) {
        return rendered.p2pfsContainers().stream()
                .flatMap(c -> inventory.envValue(c.node(), "P2PFS_KAFKA_PLACEMENT_PARTITIONS").stream())
                .map(Integer::parseInt).findFirst();
    }

    private static void clients(Rendered rendered, Inventory inventory, List<String> problems) {
        Map<String, String> mechanisms = Map.of("SCRAM-SHA-512", "scram-sha-512");
        for (Rendered.Container container : rendered.p2pfsContainers()) {
            String where = container.id();
            Optional<String> bootstrap = inventory.envValue(container.node(), "KAFKA_BOOTSTRAP_SERVERS");
            if (bootstrap.isEmpty()) {
                problems.add(where + ": no KAFKA_BOOTSTRAP_SERVERS");
                continue;
            }
            String protocol = inventory.envValue(container.node(), "KAFKA_SECURITY_PROTOCOL").orElse("PLAINTEXT");
            if (!protocol.equals("SASL_SSL") && !protocol.equals("SSL")) {
                problems.add(where + ": Kafka over " + protocol + "; every client connects over TLS");
            }
            String address = bootstrap.get();
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            String host = address.substring(0, address.lastIndexOf(':')).split("\\.")[0];
            Optional<JsonNode> listener = Optional.empty();
            for (Manifest kafka : rendered.ofKind("Kafka")) {
                if (host.equals(kafka.name() + "-kafka-bootstrap")) {
                    for (JsonNode l : kafka.at("/spec/kafka/listeners")) {
                        if (l.path("port").asInt() == port) {
                            listener = Optional.of(l);
                        }
                    }
                }
            }
            if (listener.isEmpty()) {
                problems.add(where + ": " + address + " is no listener of a Kafka here");
                continue;
            }
            if (!listener.get().path("tls").asBoolean()) {
                problems.add(where + ": listener " + listener.get().path("name").asText() + " has no TLS");
            }
            if (protocol.equals("SASL_SSL")) {
                String mechanism = inventory.envValue(container.node(), "KAFKA_SASL_MECHANISM").orElse("");
                String expected = mechanisms.get(mechanism);
                String authentication = listener.get().path("authentication").path("type").asText();
                if (!authentication.equals(expected)) {
                    problems.add(where + ": SASL mechanism " + mechanism + " but listener authenticates " + authentication);
                }
                JsonNode jaas = inventory.env(container.node()).get("KAFKA_SASL_JAAS_CONFIG");
                String secret = jaas == null ? "" : jaas.at("/valueFrom/secretKeyRef/name").asText();
                Optional<Manifest> user = rendered.find("KafkaUser", secret);
                if (user.isEmpty()) {
                    problems.add(where + ": KAFKA_SASL_JAAS_CONFIG does not come from a KafkaUser's Secret");
                } else if (!user.get().at("/spec/authentication/type").asText().equals(expected)) {
                    problems.add(where + ": KafkaUser " + secret + " does not use " + expected);
                }
            }
        }
    }
}

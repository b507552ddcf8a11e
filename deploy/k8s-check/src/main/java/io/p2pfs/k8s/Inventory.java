package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What exists once an overlay is applied: the objects it renders, and what the operators and
 * cert-manager create from its custom resources (Secrets with their keys, Services with their
 * ports, pods with their labels), plus the Secrets an installer creates by hand. A reference to
 * anything else is a problem.
 */
public final class Inventory {

    /** Secrets the installer creates (docs/kubernetes.md shows how), with their keys. */
    public static final Map<String, Set<String>> INSTALLER_SECRETS = Map.of(
            "p2pfs-master-key", Set.of("master-key", "key-id"),
            "p2pfs-node-client", Set.of("client-secret"),
            "p2pfs-metrics-client", Set.of("client-id", "client-secret"),
            "p2pfs-audit-log-key", Set.of("signing-key"),
            "p2pfs-audit-db-service", Set.of("username", "password"),
            "p2pfs-backup-s3", Set.of("ACCESS_KEY_ID", "ACCESS_SECRET_KEY"));

    private final Map<String, Set<String>> secrets = new LinkedHashMap<>();
    private final Map<String, String> secretOrigin = new LinkedHashMap<>();
    private final Set<String> configMaps = new LinkedHashSet<>();
    private final Map<String, Map<String, String>> configMapData = new LinkedHashMap<>();
    private final Map<String, List<ServicePort>> services = new LinkedHashMap<>();
    private final List<PodLabels> pods = new ArrayList<>();

    /** A port of a Service: its name (may be empty), number and target (name or number). */
    public record ServicePort(String name, int port, String target) {
    }

    /** The labels of pods something creates, and what creates them. */
    public record PodLabels(String origin, Map<String, String> labels, JsonNode podSpec) {
    }

    public static Inventory of(Rendered rendered) {
        Inventory inventory = new Inventory();
        inventory.collect(rendered);
        return inventory;
    }

    private void collect(Rendered rendered) {
        for (Manifest m : rendered.objects()) {
            switch (m.kind()) {
                case "Secret" -> {
                    Set<String> keys = new LinkedHashSet<>();
                    m.body().path("data").fieldNames().forEachRemaining(keys::add);
                    m.body().path("stringData").fieldNames().forEachRemaining(keys::add);
                    secret(m.name(), keys, m.id());
                }
                case "ConfigMap" -> {
                    configMaps.add(m.name());
                    configMapData.put(m.name(), Manifest.strings(m.body().path("data")));
                }
                case "Service" -> {
                    List<ServicePort> ports = new ArrayList<>();
                    for (JsonNode port : m.spec().path("ports")) {
                        ports.add(new ServicePort(port.path("name").asText(""), port.path("port").asInt(),
                                port.path("targetPort").asText(port.path("port").asText())));
                    }
                    services.put(m.name(), ports);
                }
                case "Certificate" -> {
                    Set<String> keys = new LinkedHashSet<>(Set.of("tls.crt", "tls.key", "ca.crt"));
                    if (m.spec().path("keystores").path("pkcs12").path("create").asBoolean()) {
                        keys.addAll(Set.of("keystore.p12", "truststore.p12"));
                    }
                    secret(m.spec().path("secretName").asText(), keys, m.id());
                }
                case "Kafka" -> {
                    String cluster = m.name();
                    secret(cluster + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password"), m.id());
                    secret(cluster + "-clients-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password"), m.id());
                    List<ServicePort> listeners = new ArrayList<>();
                    for (JsonNode listener : m.at("/spec/kafka/listeners")) {
                        int port = listener.path("port").asInt();
                        listeners.add(new ServicePort(listener.path("name").asText(), port, Integer.toString(port)));
                    }
                    services.put(cluster + "-kafka-bootstrap", listeners);
                    services.put(cluster + "-kafka-brokers", listeners);
                    pods.add(new PodLabels(m.id(), Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka",
                            "strimzi.io/name", cluster + "-kafka"), null));
                    pods.add(new PodLabels(m.id(), Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka",
                            "strimzi.io/name", cluster + "-entity-operator"), null));
                }
                case "KafkaUser" -> secret(m.name(), Set.of("password", "sasl.jaas.config"), m.id());
                case "KeycloakRealmImport" -> pods.add(new PodLabels(m.id() + " import job", Map.of("app", "keycloak-realm-import",
                        "app.kubernetes.io/instance", m.spec().path("keycloakCRName").asText()), null));
                case "Cluster" -> {
                    if (m.group().equals("postgresql.cnpg.io")) {
                        String cluster = m.name();
                        secret(cluster + "-app", Set.of("username", "password", "host", "port", "dbname", "uri",
                                "jdbc-uri", "pgpass", "fqdn-uri", "fqdn-jdbc-uri"), m.id());
                        secret(cluster + "-ca", Set.of("ca.crt", "ca.key"), m.id());
                        for (String suffix : List.of("-rw", "-ro", "-r")) {
                            services.put(cluster + suffix, List.of(new ServicePort("postgres", 5432, "5432")));
                        }
                        pods.add(new PodLabels(m.id(), Map.of("cnpg.io/cluster", cluster, "cnpg.io/podRole", "instance"),
                                null));
                    }
                }
                case "Keycloak" -> {
                    String name = m.name();
                    secret(name + "-initial-admin", Set.of("username", "password"), m.id());
                    List<ServicePort> ports = new ArrayList<>();
                    ports.add(new ServicePort("https", m.at("/spec/http/httpsPort").asInt(8443), "8443"));
                    if (m.at("/spec/http/httpEnabled").asBoolean()) {
                        ports.add(new ServicePort("http", m.at("/spec/http/httpPort").asInt(8080), "8080"));
                    }
                    services.put(name + "-service", ports);
                    pods.add(new PodLabels(m.id(), Map.of("app", "keycloak", "app.kubernetes.io/instance", name,
                            "app.kubernetes.io/managed-by", "keycloak-operator"), null));
                }
                default -> {
                }
            }
            if (m.kind().equals("StatefulSet")) {
                // the controller labels each pod with its name and ordinal
                for (int ordinal = 0; ordinal < m.spec().path("replicas").asInt(1); ordinal++) {
                    Map<String, String> labels = new LinkedHashMap<>(Manifest.strings(m.podTemplate().path("metadata").path("labels")));
                    labels.put("statefulset.kubernetes.io/pod-name", m.name() + "-" + ordinal);
                    labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
                    pods.add(new PodLabels(m.id() + " pod " + ordinal, labels, m.podTemplate().path("spec")));
                }
            } else if (m.isWorkload()) {
                pods.add(new PodLabels(m.id(), Manifest.strings(m.podTemplate().path("metadata").path("labels")),
                        m.podTemplate().path("spec")));
            }
        }
        INSTALLER_SECRETS.forEach((name, keys) -> {
            if (!secrets.containsKey(name)) {
                secret(name, keys, "the installer");
            }
        });
    }

    private void secret(String name, Set<String> keys, String origin) {
        secrets.merge(name, new LinkedHashSet<>(keys), (a, b) -> {
            a.addAll(b);
            return a;
        });
        secretOrigin.putIfAbsent(name, origin);
    }

    public boolean hasSecret(String name) {
        return secrets.containsKey(name);
    }

    public Set<String> secretKeys(String name) {
        return secrets.getOrDefault(name, Set.of());
    }

    public boolean hasConfigMap(String name) {
        return configMaps.contains(name);
    }

    public Optional<String> configValue(String configMap, String key) {
        return Optional.ofNullable(configMapData.getOrDefault(configMap, Map.of()).get(key));
    }

    public Optional<List<ServicePort>> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    public List<PodLabels> pods() {
        return pods;
    }

    /**
     * A container's environment as the kubelet builds it: the entries of its envFrom ConfigMaps
     * and Secrets first, then its own env entries, which win. Each value is an env entry
     * ({@code name} with {@code value} or {@code valueFrom}).
     */
    public Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            String prefix = source.path("prefix").asText("");
            if (source.has("configMapRef")) {
                configMapData.getOrDefault(source.path("configMapRef").path("name").asText(), Map.of()).forEach((key, value) ->
                        env.put(prefix + key, JsonNodeFactory.instance.objectNode().put("name", prefix + key).put("value", value)));
            }
            if (source.has("secretRef")) {
                String secret = source.path("secretRef").path("name").asText();
                for (String key : secretKeys(secret)) {
                    ObjectNode entry = JsonNodeFactory.instance.objectNode().put("name", prefix + key);
                    entry.putObject("valueFrom").putObject("secretKeyRef").put("name", secret).put("key", key);
                    env.put(prefix + key, entry);
                }
            }
        }
        container.path("env").forEach(entry -> env.put(entry.path("name").asText(), entry));
        return env;
    }

    /** An environment variable's literal value, or empty when it is unset or comes from a Secret. */
    public Optional<String> envValue(JsonNode container, String name) {
        JsonNode entry = env(container).get(name);
        return entry == null || !entry.has("value") ? Optional.empty() : Optional.of(entry.path("value").asText());
    }

    /** The pods a label selector (matchLabels, matchExpressions) picks. */
    public List<PodLabels> podsSelectedBy(JsonNode selector) {
        return pods.stream().filter(p -> Selectors.matches(selector, p.labels())).toList();
    }
}

package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every Secret (and key), ConfigMap (and key), ServiceAccount, PersistentVolumeClaim, Service,
 * Issuer and owning custom resource an object names exists in the render, is created by an
 * operator or cert-manager from a resource in the render, or is one the installer creates.
 */
public final class ReferenceChecks {

    private ReferenceChecks() {
    }

    public static List<String> check(Rendered rendered, Inventory inventory) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : rendered.objects()) {
            if (m.isWorkload()) {
                workload(rendered, inventory, m, problems);
            }
            switch (m.kind()) {
                case "Ingress" -> {
                    for (JsonNode tls : m.spec().path("tls")) {
                        secret(inventory, m, tls.path("secretName").asText(), null, problems);
                    }
                    for (JsonNode rule : m.spec().path("rules")) {
                        for (JsonNode path : rule.path("http").path("paths")) {
                            JsonNode service = path.path("backend").path("service");
                            servicePort(inventory, m, service.path("name").asText(), service.path("port"), problems);
                        }
                    }
                    String caSecret = m.annotations().get("nginx.ingress.kubernetes.io/proxy-ssl-secret");
                    if (caSecret != null) {
                        String namespace = m.body().at("/metadata/namespace").asText();
                        String[] parts = caSecret.split("/", 2);
                        if (parts.length != 2 || !parts[0].equals(namespace)) {
                            problems.add(m.id() + ": proxy-ssl-secret " + caSecret + " is not namespace/name in "
                                    + namespace);
                        } else {
                            secret(inventory, m, parts[1], "ca.crt", problems);
                        }
                    }
                }
                case "ServiceMonitor" -> {
                    for (JsonNode endpoint : m.spec().path("endpoints")) {
                        JsonNode ca = endpoint.path("tlsConfig").path("ca").path("secret");
                        if (!ca.isMissingNode()) {
                            secret(inventory, m, ca.path("name").asText(), ca.path("key").asText(), problems);
                        }
                        JsonNode oauth2 = endpoint.path("oauth2");
                        for (JsonNode ref : List.of(oauth2.path("clientId").path("secret"), oauth2.path("clientSecret"))) {
                            if (!ref.isMissingNode()) {
                                secret(inventory, m, ref.path("name").asText(), ref.path("key").asText(), problems);
                            }
                        }
                    }
                }
                case "Certificate" -> issuer(rendered, m, m.spec().path("issuerRef"), problems);
                case "Issuer", "ClusterIssuer" -> {
                    JsonNode ca = m.spec().path("ca");
                    if (!ca.isMissingNode()) {
                        secret(inventory, m, ca.path("secretName").asText(), "tls.crt", problems);
                    }
                }
                case "Cluster" -> {
                    JsonNode certificates = m.spec().path("certificates");
                    for (String field : List.of("serverTLSSecret", "serverCASecret", "clientCASecret",
                            "replicationTLSSecret")) {
                        if (certificates.has(field)) {
                            secret(inventory, m, certificates.path(field).asText(),
                                    field.endsWith("CASecret") ? "ca.crt" : "tls.crt", problems);
                        }
                    }
                    secretRefs(inventory, m, m.spec().path("backup"), problems);
                }
                case "Keycloak" -> {
                    JsonNode db = m.spec().path("db");
                    for (String field : List.of("usernameSecret", "passwordSecret")) {
                        if (db.has(field)) {
                            secret(inventory, m, db.path(field).path("name").asText(), db.path(field).path("key").asText(),
                                    problems);
                        }
                    }
                    if (m.at("/spec/http/tlsSecret").isTextual()) {
                        secret(inventory, m, m.at("/spec/http/tlsSecret").asText(), "tls.crt", problems);
                    }
                    m.spec().path("truststores").forEach(store -> {
                        if (store.has("secret")) {
                            secret(inventory, m, store.path("secret").path("name").asText(), null, problems);
                        }
                        if (store.has("configMap") && !inventory.hasConfigMap(store.path("configMap").path("name").asText())) {
                            problems.add(m.id() + ": truststore ConfigMap " + store.path("configMap").path("name").asText()
                                    + " does not exist");
                        }
                    });
                    for (JsonNode user : List.of(m.at("/spec/bootstrapAdmin/user"), m.at("/spec/bootstrapAdmin/service"))) {
                        if (user.has("secret")) {
                            secret(inventory, m, user.path("secret").asText(), null, problems);
                        }
                    }
                }
                case "KeycloakRealmImport" -> {
                    owner(rendered, m, "Keycloak", m.spec().path("keycloakCRName").asText(), problems);
                    m.spec().path("placeholders").forEach(placeholder -> secret(inventory, m,
                            placeholder.path("secret").path("name").asText(), placeholder.path("secret").path("key").asText(),
                            problems));
                }
                case "KafkaTopic", "KafkaUser", "KafkaNodePool" ->
                        owner(rendered, m, "Kafka", m.labels().getOrDefault("strimzi.io/cluster", ""), problems);
                case "HorizontalPodAutoscaler" -> owner(rendered, m, m.spec().path("scaleTargetRef").path("kind").asText(),
                        m.spec().path("scaleTargetRef").path("name").asText(), problems);
                default -> {
                }
            }
        }
        return problems;
    }

    private static void workload(Rendered rendered, Inventory inventory, Manifest m, List<String> problems) {
        JsonNode pod = m.podTemplate().path("spec");
        String account = pod.path("serviceAccountName").asText("");
        if (!account.isEmpty() && rendered.find("ServiceAccount", account).isEmpty()) {
            problems.add(m.id() + ": ServiceAccount " + account + " does not exist");
        }
        for (JsonNode pull : pod.path("imagePullSecrets")) {
            secret(inventory, m, pull.path("name").asText(), null, problems);
        }
        Set<String> volumes = new HashSet<>();
        for (JsonNode volume : pod.path("volumes")) {
            volumes.add(volume.path("name").asText());
            if (volume.has("secret")) {
                JsonNode secret = volume.path("secret");
                if (!secret.path("optional").asBoolean()) {
                    secret(inventory, m, secret.path("secretName").asText(), null, problems);
                    for (JsonNode item : secret.path("items")) {
                        secret(inventory, m, secret.path("secretName").asText(), item.path("key").asText(), problems);
                    }
                }
            }
            if (volume.has("configMap") && !inventory.hasConfigMap(volume.path("configMap").path("name").asText())) {
                problems.add(m.id() + ": ConfigMap " + volume.path("configMap").path("name").asText() + " does not exist");
            }
            if (volume.has("persistentVolumeClaim")) {
                String claim = volume.path("persistentVolumeClaim").path("claimName").asText();
                if (rendered.find("PersistentVolumeClaim", claim).isEmpty()) {
                    problems.add(m.id() + ": PersistentVolumeClaim " + claim + " does not exist");
                }
            }
        }
        for (JsonNode template : m.spec().path("volumeClaimTemplates")) {
            volumes.add(template.path("metadata").path("name").asText());
        }
        for (JsonNode container : m.containers()) {
            String name = m.id() + " container " + container.path("name").asText();
            for (JsonNode mount : container.path("volumeMounts")) {
                if (!volumes.contains(mount.path("name").asText())) {
                    problems.add(name + ": mounts volume " + mount.path("name").asText() + " that the pod does not have");
                }
            }
            for (JsonNode env : container.path("env")) {
                JsonNode from = env.path("valueFrom");
                if (from.has("secretKeyRef") && !from.path("secretKeyRef").path("optional").asBoolean()) {
                    secret(inventory, m, from.path("secretKeyRef").path("name").asText(),
                            from.path("secretKeyRef").path("key").asText(), problems);
                }
                if (from.has("configMapKeyRef") && !from.path("configMapKeyRef").path("optional").asBoolean()) {
                    String map = from.path("configMapKeyRef").path("name").asText();
                    String key = from.path("configMapKeyRef").path("key").asText();
                    if (!inventory.hasConfigMap(map)) {
                        problems.add(name + ": ConfigMap " + map + " does not exist");
                    } else if (inventory.configValue(map, key).isEmpty()) {
                        problems.add(name + ": ConfigMap " + map + " has no key " + key);
                    }
                }
            }
            for (JsonNode envFrom : container.path("envFrom")) {
                if (envFrom.has("secretRef")) {
                    secret(inventory, m, envFrom.path("secretRef").path("name").asText(), null, problems);
                }
                if (envFrom.has("configMapRef") && !inventory.hasConfigMap(envFrom.path("configMapRef").path("name").asText())) {
                    problems.add(name + ": ConfigMap " + envFrom.path("configMapRef").path("name").asText() + " does not exist");
                }
            }
        }
        if (m.kind().equals("StatefulSet")) {
            String governing = m.spec().path("serviceName").asText();
            var service = rendered.find("Service", governing);
            if (service.isEmpty()) {
                problems.add(m.id() + ": governing Service " + governing + " does not exist");
            } else if (!"None".equals(service.get().spec().path("clusterIP").asText())) {
                problems.add(m.id() + ": governing Service " + governing + " is not headless");
            }
        }
    }

    static void secret(Inventory inventory, Manifest m, String name, String key, List<String> problems) {
        if (!inventory.hasSecret(name)) {
            problems.add(m.id() + ": Secret " + name + " does not exist (not rendered, not made by an operator or"
                    + " cert-manager, not one the installer creates)");
        } else if (key != null && !key.isEmpty() && !inventory.secretKeys(name).contains(key)) {
            problems.add(m.id() + ": Secret " + name + " has no key " + key + " (it has " + inventory.secretKeys(name) + ")");
        }
    }

    /** Secret key selectors ({name, key}) anywhere under a node, as backup credentials are given. */
    private static void secretRefs(Inventory inventory, Manifest m, JsonNode node, List<String> problems) {
        if (node.isObject() && node.path("name").isTextual() && node.path("key").isTextual()) {
            secret(inventory, m, node.path("name").asText(), node.path("key").asText(), problems);
        } else if (node.isContainerNode()) {
            node.forEach(child -> secretRefs(inventory, m, child, problems));
        }
    }

    private static void servicePort(Inventory inventory, Manifest m, String service, JsonNode port, List<String> problems) {
        var ports = inventory.service(service);
        if (ports.isEmpty()) {
            problems.add(m.id() + ": Service " + service + " does not exist");
            return;
        }
        boolean found = ports.get().stream().anyMatch(p -> port.has("name")
                ? p.name().equals(port.path("name").asText())
                : p.port() == port.path("number").asInt());
        if (!found) {
            problems.add(m.id() + ": Service " + service + " has no port " + port);
        }
    }

    private static void issuer(Rendered rendered, Manifest m, JsonNode issuerRef, List<String> problems) {
        String kind = issuerRef.path("kind").asText("Issuer");
        String name = issuerRef.path("name").asText();
        if (rendered.find(kind, name).isEmpty()) {
            problems.add(m.id() + ": " + kind + " " + name + " does not exist");
        }
    }

    private static void owner(Rendered rendered, Manifest m, String kind, String name, List<String> problems) {
        if (rendered.find(kind, name).isEmpty()) {
            problems.add(m.id() + ": " + kind + " " + name + " does not exist");
        }
    }
}

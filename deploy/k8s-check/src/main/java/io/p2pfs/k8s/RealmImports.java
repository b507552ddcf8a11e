package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster's realm, made from the local stack's realm file so that both run the same realm:
 * the base's {@code KeycloakRealmImport} has the roles, groups, clients and service accounts but
 * no people, each confidential client's secret comes from a Secret (an operator placeholder,
 * {@link #secretPlaceholder}, from the Secret {@link #secretName}) instead of the file,
 * TLS is required for every address and brute-force protection is on; the dev overlay patches the
 * demo users back in.
 */
public final class RealmImports {

    public static final String LOCAL_REALM = "deploy/local/keycloak/p2pfs-realm.json";
    public static final String BASE_IMPORT = "deploy/k8s/base/keycloak/realm-import.yaml";
    public static final String DEV_USERS = "deploy/k8s/overlays/dev/realm-demo-users.yaml";

    public static final String NAME = "p2pfs-realm";
    public static final String NODE_CLIENT = "p2pfs-node";
    public static final String NODE_SECRET_PLACEHOLDER = "P2PFS_NODE_CLIENT_SECRET";
    public static final String NODE_SECRET = "p2pfs-node-client";
    public static final String NODE_SECRET_KEY = "client-secret";
    public static final String METRICS_CLIENT = "p2pfs-metrics";

    /** The operator placeholder of a confidential client's secret: {@code p2pfs-node} -> {@code P2PFS_NODE_CLIENT_SECRET}. */
    public static String secretPlaceholder(String clientId) {
        return clientId.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_CLIENT_SECRET";
    }

    /** The Secret holding a confidential client's secret (key {@value #NODE_SECRET_KEY}): {@code <clientId>-client}. */
    public static String secretName(String clientId) {
        return clientId + "-client";
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private RealmImports() {
    }

    /** The two generated files, as their text. */
    public record Generated(String baseImport, String devUsers) {
    }

    public static Generated generate(Path repoRoot) throws IOException {
        JsonNode local = JSON.readTree(repoRoot.resolve(LOCAL_REALM).toFile());
        return new Generated(header() + YAML.writeValueAsString(baseImport(local)),
                header() + YAML.writeValueAsString(devUsers(local)));
    }

    /** Writes both files (run after changing the local realm; a test fails until they match). */
    public static void write(Path repoRoot) throws IOException {
        Generated generated = generate(repoRoot);
        Files.writeString(repoRoot.resolve(BASE_IMPORT), generated.baseImport(), StandardCharsets.UTF_8);
        Files.writeString(repoRoot.resolve(DEV_USERS), generated.devUsers(), StandardCharsets.UTF_8);
    }

    private static String header() {
        return "# Generated from " + LOCAL_REALM + " by io.p2pfs.k8s.RealmImports; do not edit. After changing\n"
                + "# the local realm, regenerate (docs/kubernetes.md says how); a test fails until they match.\n";
    }

    static ObjectNode baseImport(JsonNode local) {
        ObjectNode realm = local.deepCopy();
        realm.put("displayName", "p2pfs");
        realm.put("sslRequired", "all");
        realm.put("bruteForceProtected", true);
        java.util.List<String> confidential = new java.util.ArrayList<>();
        for (JsonNode client : realm.path("clients")) {
            if (client.has("secret")) {
                String clientId = client.path("clientId").asText();
                if (!clientId.matches("p2pfs-[a-z]+")) {
                    throw new IllegalArgumentException("client " + clientId + " has a secret in the local realm: "
                            + "confidential clients are named p2pfs-<name>, so their Secret is p2pfs-<name>-client");
                }
                ((ObjectNode) client).put("secret", "${" + secretPlaceholder(clientId) + "}");
                confidential.add(clientId);
            }
        }
        ArrayNode serviceAccounts = JsonNodeFactory.instance.arrayNode();
        for (JsonNode user : local.path("users")) {
            if (user.has("serviceAccountClientId")) {
                serviceAccounts.add(user.deepCopy());
            }
        }
        realm.set("users", serviceAccounts);

        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        resource.put("apiVersion", "k8s.keycloak.org/v2beta1");
        resource.put("kind", "KeycloakRealmImport");
        resource.putObject("metadata").put("name", NAME);
        ObjectNode spec = resource.putObject("spec");
        spec.put("keycloakCRName", "p2pfs-keycloak");
        ObjectNode placeholders = spec.putObject("placeholders");
        for (String clientId : confidential) {
            placeholders.putObject(secretPlaceholder(clientId)).putObject("secret").put("name", secretName(clientId))
                    .put("key", NODE_SECRET_KEY);
        }
        spec.set("realm", realm);
        return resource;
    }

    /** A patch of the base import whose user list is the local realm's, demo users included. */
    static ObjectNode devUsers(JsonNode local) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.put("apiVersion", "k8s.keycloak.org/v2beta1");
        patch.put("kind", "KeycloakRealmImport");
        patch.putObject("metadata").put("name", NAME);
        patch.putObject("spec").putObject("realm").set("users", local.path("users").deepCopy());
        return patch;
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize());
    }
}

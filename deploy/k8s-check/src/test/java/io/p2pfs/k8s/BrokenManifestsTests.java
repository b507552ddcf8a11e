package io.p2pfs.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each class of mistake, made on a copy of a rendered overlay (or of the manifest tree), is caught
 * by the check meant for it, and the same check passes on the unbroken render.
 */
class BrokenManifestsTests {

    static final ManifestChecks CHECKS = OverlaysTests.CHECKS;
    static Rendered dev;
    static Rendered prod;

    @BeforeAll
    static void render() {
        dev = CHECKS.render("dev");
        prod = CHECKS.render("prod");
    }

    /** Breaks a copy, runs the checks, and returns what they found (the unbroken copy must pass). */
    static List<String> broken(Rendered rendered, Function<Rendered, List<String>> check, Consumer<Rendered> mistake) {
        assertEquals(List.of(), check.apply(rendered), "the unbroken render must pass this check");
        Rendered copy = rendered.copy();
        mistake.accept(copy);
        return check.apply(copy);
    }

    static void assertFound(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem mentioning '" + expected + "', got " + problems);
    }

    static ObjectNode obj(Rendered r, String kind, String name) {
        return r.get(kind, name).body();
    }

    static ObjectNode container(Rendered r, String kind, String name) {
        return (ObjectNode) obj(r, kind, name).at("/spec/template/spec/containers/0");
    }

    static ObjectNode env(Rendered r, String kind, String name, String variable) {
        for (JsonNode e : container(r, kind, name).path("env")) {
            if (e.path("name").asText().equals(variable)) {
                return (ObjectNode) e;
            }
        }
        throw new IllegalArgumentException(variable);
    }

    /** The settings every p2pfs container reads (the generated ConfigMap p2pfs-services-<hash>). */
    static ObjectNode shared(Rendered r) {
        return (ObjectNode) r.ofKind("ConfigMap").stream().filter(m -> m.name().startsWith("p2pfs-services-")).findFirst()
                .orElseThrow().body().path("data");
    }

    static void removeEnv(Rendered r, String kind, String name, String variable) {
        ArrayNode env = (ArrayNode) container(r, kind, name).path("env");
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).path("name").asText().equals(variable)) {
                env.remove(i);
                return;
            }
        }
        throw new IllegalArgumentException(variable);
    }

    // --- strict schemas -------------------------------------------------------------------

    @Test
    void anUnknownFieldInACoreKindFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> container(r, "Deployment", "tracker").put("imagePullPolicyy", "Always")),
                "imagePullPolicyy");
    }

    @Test
    void aMissingRequiredFieldInACoreKindFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> container(r, "Deployment", "metadata").remove("name")), "name");
    }

    @Test
    void aFieldOfTheWrongShapeInACoreKindFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> ((ObjectNode) obj(r, "Service", "tracker").path("spec")).put("ports", "8441")),
                "Service/tracker: a value has the wrong JSON type");
    }

    @Test
    void anUnknownFieldInACustomResourceFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> ((ObjectNode) obj(r, "Kafka", "p2pfs-kafka").at("/spec/kafka")).put("replica", 3)),
                "replica");
    }

    @Test
    void aMissingRequiredFieldInACustomResourceFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> ((ObjectNode) obj(r, "KafkaNodePool", "dual").path("spec")).remove("roles")),
                "roles");
    }

    @Test
    void aValueOutsideACustomResourcesEnumFails() {
        assertFound(broken(dev, CHECKS::schemas,
                r -> ((ObjectNode) obj(r, "KafkaUser", "p2pfs-peer-a").at("/spec/authentication")).put("type", "scram-sha-256")),
                "/spec/authentication/type");
    }

    @Test
    void aPeerPrincipalThatMayWriteRegistrationsFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((com.fasterxml.jackson.databind.node.ArrayNode) obj(r, "KafkaUser",
                "p2pfs-peer-b").at("/spec/authorization/acls")).addObject().<ObjectNode>set("resource",
                        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("type", "topic")
                                .put("name", "p2pfs.users").put("patternType", "literal"))
                .putArray("operations").add("Write")),
                "KafkaUser/p2pfs-peer-b: grants more than the PEER role may do: [topic p2pfs.users (literal): Write]");
    }

    @Test
    void aServiceThatLacksAnAclItsRoleNeedsFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((com.fasterxml.jackson.databind.node.ArrayNode) obj(r, "KafkaUser",
                "p2pfs-tracker").at("/spec/authorization/acls")).remove(0)),
                "KafkaUser/p2pfs-tracker: lacks ACLs the TRACKER role needs: [topic p2pfs.users (literal): Describe, "
                        + "topic p2pfs.users (literal): Write]");
    }

    @Test
    void anUnknownFieldInACustomResourcesMetadataFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> ((ObjectNode) obj(r, "Certificate", "p2pfs-ca").path("metadata")).put("lables", "x")),
                "lables");
    }

    @Test
    void aKindNoSchemaKnowsFails() {
        assertFound(broken(dev, CHECKS::schemas, r -> obj(r, "Kafka", "p2pfs-kafka").put("apiVersion", "kafka.strimzi.io/v1beta2")),
                "kafka.strimzi.io/v1beta2");
    }

    @Test
    void aRealmPropertyKeycloakDoesNotKnowFails() {
        assertFound(broken(dev, CHECKS::schemas,
                r -> ((ObjectNode) obj(r, "KeycloakRealmImport", "p2pfs-realm").at("/spec/realm")).put("acessTokenLifespan", 60)),
                "acessTokenLifespan");
    }

    // --- selectors and ports --------------------------------------------------------------

    @Test
    void aWorkloadSelectorThatMissesItsPodsFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Deployment", "audit").at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/name", "auditor")), "does not match its pod template");
    }

    @Test
    void aServiceThatSelectsNoPodFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Service", "metadata").at("/spec/selector"))
                .put("app.kubernetes.io/name", "metdata")), "Service/metadata: selector");
    }

    @Test
    void aPodDisruptionBudgetOrNetworkPolicyThatSelectsNothingFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "PodDisruptionBudget", "peer-agent").at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/name", "peer")), "PodDisruptionBudget/peer-agent: selector");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "NetworkPolicy", "p2pfs-audit-db").at("/spec/podSelector/matchLabels"))
                .put("cnpg.io/cluster", "p2pfs-audit")), "NetworkPolicy/p2pfs-audit-db: selector");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "PodMonitor", "p2pfs-metadata-db").at("/spec/selector/matchLabels"))
                .put("cnpg.io/cluster", "metadata-db")), "PodMonitor/p2pfs-metadata-db: selector");
    }

    @Test
    void aProbeOnAPortTheContainerDoesNotHaveFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) container(r, "Deployment", "tracker").at("/readinessProbe/httpGet"))
                .put("port", "http")), "readinessProbe uses port http");
    }

    @Test
    void aServiceTargetPortTheContainerDoesNotHaveFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Service", "audit").at("/spec/ports/0")).put("targetPort", 8080)),
                "targetPort 8080");
    }

    @Test
    void anIngressOrServiceMonitorOnAPortTheServiceDoesNotHaveFails() {
        assertFound(broken(dev, CHECKS::semantics,
                r -> ((ObjectNode) obj(r, "Ingress", "metadata").at("/spec/rules/0/http/paths/0/backend/service/port")).put("name", "http")),
                "has no port");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "ServiceMonitor", "tracker").at("/spec/endpoints/0"))
                .put("port", "metrics")), "port metrics is not a named port");
    }

    @Test
    void aUrlToAServiceOrPortThatDoesNotExistFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> shared(r).put("P2PFS_TRACKER_URL", "https://tracker:8443")),
                "Service tracker has no port 8443");
        assertFound(broken(dev, CHECKS::semantics,
                r -> env(r, "Deployment", "audit", "QUARKUS_DATASOURCE_REACTIVE_URL").put("value", "postgresql://p2pfs-audit-rw:5432/p2pfs_audit")),
                "names no Service (p2pfs-audit-rw)");
    }

    // --- references -----------------------------------------------------------------------

    @Test
    void aSecretOrKeyThatNothingCreatesFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) env(r, "Deployment", "tracker", "KAFKA_SASL_JAAS_CONFIG")
                .at("/valueFrom/secretKeyRef")).put("name", "p2pfs-tracker-kafka")), "Secret p2pfs-tracker-kafka does not exist");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) env(r, "Deployment", "metadata", "QUARKUS_DATASOURCE_PASSWORD")
                .at("/valueFrom/secretKeyRef")).put("key", "pass")), "has no key pass");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Cluster", "p2pfs-metadata-db").at("/spec/certificates"))
                .put("serverTLSSecret", "metadata-db-tls")), "Secret metadata-db-tls does not exist");
    }

    @Test
    void aConfigMapServiceAccountOrClaimThatDoesNotExistFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "StatefulSet", "peer-b").at("/spec/template/spec"))
                .put("serviceAccountName", "peer")), "ServiceAccount peer does not exist");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) env(r, "StatefulSet", "peer-a", "P2PFS_PEERS_DOMAIN")
                .at("/valueFrom/configMapKeyRef")).put("key", "domain")), "has no key domain");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "StatefulSet", "peer-c").at("/spec/volumeClaimTemplates/0/metadata"))
                .put("name", "chunks")), "mounts volume data");
    }

    @Test
    void aResourceWhoseOwnerOrIssuerDoesNotExistFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "KafkaTopic", "p2pfs.files").at("/metadata/labels"))
                .put("strimzi.io/cluster", "kafka")), "Kafka kafka does not exist");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Certificate", "p2pfs-audit-tls").at("/spec/issuerRef"))
                .put("name", "letsencrypt")), "Issuer letsencrypt does not exist");
    }

    // --- settings -------------------------------------------------------------------------

    @Test
    void aServiceMissingASettingItNeedsInProdFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> removeEnv(r, "Deployment", "metadata", "P2PFS_MASTER_KEY")), "P2PFS_MASTER_KEY");
        assertFound(broken(dev, CHECKS::semantics, r -> removeEnv(r, "Deployment", "tracker", "QUARKUS_DATASOURCE_JDBC_URL")),
                "quarkus.datasource.jdbc.url");
        assertFound(broken(dev, CHECKS::semantics, r -> removeEnv(r, "StatefulSet", "peer-a", "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET")),
                "quarkus.oidc-client.credentials.secret");
        assertFound(broken(dev, CHECKS::semantics, r -> shared(r).remove("QUARKUS_HTTP_SSL_CERTIFICATE_FILES")),
                "quarkus.http.ssl.certificate.files");
    }

    @Test
    void requiredSettingsComeFromTheServicesOwnConfiguration() {
        var required = SettingsChecks.required(SettingsChecks.prodSettings(Repo.ROOT.resolve("peer-agent/src/main/resources/application.properties")));
        List<String> properties = required.stream().map(SettingsChecks.Required::property).toList();
        assertTrue(properties.containsAll(List.of("kafka.bootstrap.servers", "p2pfs.peer.public-url", "p2pfs.peer.tracker-url",
                "quarkus.oidc.auth-server-url", "quarkus.oidc-client.auth-server-url", "quarkus.oidc-client.credentials.secret")), properties.toString());
        assertEquals("QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", SettingsChecks.envName("quarkus.oidc-client.auth-server-url"));
    }

    // --- Kafka ----------------------------------------------------------------------------

    @Test
    void topicsThatDifferFromTheCodesFail() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "KafkaTopic", "p2pfs.acls").path("spec")).put("topicName", "p2pfs.acl")),
                "missing [p2pfs.acls], not used [p2pfs.acl]");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "KafkaTopic", "p2pfs.chunks.placements").path("spec"))
                .put("partitions", 6)), "the peers map node ids onto 12");
    }

    @Test
    void aKafkaClientWithoutTlsOrWithTheWrongPrincipalFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> shared(r).put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")),
                "every client connects over TLS");
        assertFound(broken(dev, CHECKS::semantics, r -> shared(r).put("KAFKA_BOOTSTRAP_SERVERS", "p2pfs-kafka-kafka-bootstrap:9092")),
                "is no listener");
        assertFound(broken(prod, CHECKS::semantics, r -> ((ObjectNode) obj(r, "KafkaTopic", "p2pfs.users").path("spec")).put("replicas", 4)),
                "4 replicas on 3 brokers");
    }

    // --- images ---------------------------------------------------------------------------

    @Test
    void anImageNotSetByTheImagesListFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> container(r, "Deployment", "tracker").put("image", "ghcr.io/p2pfs/tracker:latest")),
                "is not set by the base's images: list");
    }

    @Test
    void aDockerfileThatDoesNotBuildWhatThePodsRunFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Deployment", "audit").at("/spec/template/spec/securityContext"))
                .put("runAsUser", 1001)), "USER 185 but Deployment/audit runs as 1001");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) container(r, "Deployment", "metadata").at("/ports/0"))
                .put("containerPort", 8443)), "does not EXPOSE 8443");
    }

    // --- peers ----------------------------------------------------------------------------

    @Test
    void aPeerPodWithoutItsOwnAddressFails() {
        assertFound(broken(prod, CHECKS::semantics, r -> ((ObjectNode) obj(r, "StatefulSet", "peer-a").path("spec")).put("replicas", 3)),
                "pod peer-a-2 has no Service");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Service", "peer-b-0").path("metadata").path("annotations"))
                .put("external-dns.alpha.kubernetes.io/hostname", "peer-b-0.p2pfs.example.com")), "but the pod advertises");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "ConfigMap", "p2pfs-site").path("data"))
                .put("peers-domain", "nodes.p2pfs.example.com")), "does not cover peer-a-0.nodes.p2pfs.example.com");
    }

    @Test
    void aPeerInAnotherZoneThanItClaimsOrBiggerThanItsDiskFails() {
        assertFound(broken(prod, CHECKS::semantics, r -> env(r, "StatefulSet", "peer-c", "P2PFS_PEER_ZONE").put("value", "zone-a")),
                "declares zone zone-a but runs in");
        assertFound(broken(dev, CHECKS::semantics, r -> env(r, "StatefulSet", "peer-a", "P2PFS_PEER_CAPACITY_BYTES").put("value", "10737418240")),
                "does not fit its volume");
    }

    // --- hardening and overlays -----------------------------------------------------------

    @Test
    void aSecretWrittenIntoAManifestFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> {
            ObjectNode jaas = env(r, "Deployment", "tracker", "KAFKA_SASL_JAAS_CONFIG");
            jaas.remove("valueFrom");
            jaas.put("value", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"t\" password=\"p\";");
        }), "KAFKA_SASL_JAAS_CONFIG is written into the manifest");
        assertFound(broken(prod, CHECKS::semantics, r -> r.objects().add(new Manifest(dev.get("Secret", "p2pfs-master-key").body().deepCopy()))),
                "prod renders Secrets");
    }

    @Test
    void aPodThatRunsWithPrivilegesOrWithoutProbesFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) container(r, "Deployment", "audit").path("securityContext"))
                .put("readOnlyRootFilesystem", false)), "securityContext");
        assertFound(broken(dev, CHECKS::semantics, r -> container(r, "StatefulSet", "peer-b").remove("startupProbe")), "startupProbe");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) container(r, "Deployment", "metadata").path("resources")).remove("limits")),
                "memory limit");
    }

    @Test
    void anAutoscaledDeploymentThatSetsItsOwnReplicasFails() {
        assertFound(broken(prod, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Deployment", "metadata").path("spec")).put("replicas", 2)),
                "sets replicas although HorizontalPodAutoscaler/metadata scales it");
    }

    @Test
    void aRenewedCertificateThatIsNeverReloadedFails() {
        assertFound(broken(dev, CHECKS::semantics, r -> shared(r).remove("QUARKUS_HTTP_SSL_CERTIFICATE_RELOAD_PERIOD")),
                "never reloads it");
        assertFound(broken(dev, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Certificate", "p2pfs-audit-db-server-tls").path("spec"))
                .remove("secretTemplate")), "without the cnpg.io/reload label");
    }

    @Test
    void prodWithoutHighAvailabilityFails() {
        assertFound(broken(prod, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Deployment", "tracker").path("spec")).put("replicas", 1)),
                "fewer than 2 replicas");
        assertFound(broken(prod, CHECKS::semantics, r -> ((ObjectNode) obj(r, "HorizontalPodAutoscaler", "metadata").path("spec"))
                .put("minReplicas", 1)), "Deployment/metadata: fewer than 2 replicas");
        assertFound(broken(prod, CHECKS::semantics, r -> ((ObjectNode) obj(r, "Cluster", "p2pfs-audit-db").path("spec")).put("instances", 1)),
                "prod needs 3");
        assertFound(broken(prod, CHECKS::semantics, r -> ((ArrayNode) obj(r, "KeycloakRealmImport", "p2pfs-realm").at("/spec/realm/users"))
                .add(dev.get("KeycloakRealmImport", "p2pfs-realm").body().at("/spec/realm/users/0"))), "demo user");
    }

    // --- the manifest tree itself ---------------------------------------------------------

    @Test
    void aBrokenCopyOfTheManifestTreeDoesNotRender(@TempDir Path copy) throws IOException {
        copyTree(CHECKS.k8sRoot(), copy);
        Files.delete(copy.resolve("base/peers/zone/statefulset.yaml"));
        Rendered.RenderFailed failed = assertThrows(Rendered.RenderFailed.class, () -> Rendered.of(copy.resolve("overlays/dev")));
        assertTrue(failed.getMessage().contains("statefulset.yaml"), failed.getMessage());
    }

    @Test
    void anOverlayThatTagsImagesOfItsOwnFails(@TempDir Path copy) throws IOException {
        copyTree(CHECKS.k8sRoot(), copy);
        Path kustomization = copy.resolve("overlays/dev/kustomization.yaml");
        Files.writeString(kustomization, Files.readString(kustomization)
                + "images:\n  - name: ghcr.io/p2pfs/tracker\n    newTag: dev\n");
        Rendered rendered = Rendered.of(copy.resolve("overlays/dev"));
        List<String> problems = ImageChecks.check(rendered, copy);
        assertFound(problems, "sets images:, which only the base does");
        assertFound(problems, "is not set by the base's images: list");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}

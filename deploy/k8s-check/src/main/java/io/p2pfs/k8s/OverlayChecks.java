package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What each overlay promises. prod: high availability (two or more replicas of every stateless
 * service, three Kafka controllers and brokers with topics replicated three times, three
 * PostgreSQL instances per cluster, two Keycloak instances, replicas kept off one node, peers
 * pinned to their zones), no demo users, no Secret in the render. dev: one of everything and the
 * demo users.
 */
public final class OverlayChecks {

    private OverlayChecks() {
    }

    public static List<String> check(Rendered rendered) {
        return switch (rendered.overlay()) {
            case "prod" -> prod(rendered);
            case "dev" -> dev(rendered);
            default -> List.of();
        };
    }

    static List<String> prod(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            // an autoscaled Deployment's count is its autoscaler's minimum
            int replicas = rendered.ofKind("HorizontalPodAutoscaler").stream()
                    .filter(h -> h.spec().path("scaleTargetRef").path("name").asText().equals(deployment.name()))
                    .mapToInt(h -> h.spec().path("minReplicas").asInt(1)).findFirst()
                    .orElse(deployment.spec().path("replicas").asInt(1));
            if (replicas < 2) {
                problems.add(deployment.id() + ": fewer than 2 replicas in prod");
            }
            if (!keptApart(deployment.podTemplate().path("spec"))) {
                problems.add(deployment.id() + ": replicas may share a node (no required anti-affinity or DoNotSchedule spread on hostname)");
            }
        }
        int controllers = 0;
        int brokers = 0;
        for (Manifest pool : rendered.ofKind("KafkaNodePool")) {
            String roles = pool.spec().path("roles").toString();
            int replicas = pool.spec().path("replicas").asInt();
            controllers += roles.contains("controller") ? replicas : 0;
            brokers += roles.contains("broker") ? replicas : 0;
        }
        if (controllers < 3 || brokers < 3) {
            problems.add("Kafka: " + controllers + " controllers and " + brokers + " brokers; prod needs 3 of each");
        }
        for (Manifest topic : rendered.ofKind("KafkaTopic")) {
            if (topic.spec().path("replicas").asInt() < 3 || topic.spec().path("config").path("min.insync.replicas").asInt(1) < 2) {
                problems.add(topic.id() + ": prod topics need 3 replicas and min.insync.replicas 2");
            }
        }
        for (Manifest cluster : rendered.ofKind("Cluster")) {
            if (cluster.spec().path("instances").asInt() < 3) {
                problems.add(cluster.id() + ": " + cluster.spec().path("instances").asInt() + " PostgreSQL instances; prod needs 3");
            }
        }
        for (Manifest keycloak : rendered.ofKind("Keycloak")) {
            if (keycloak.spec().path("instances").asInt(1) < 2) {
                problems.add(keycloak.id() + ": one Keycloak instance in prod");
            }
        }
        for (Manifest realm : rendered.ofKind("KeycloakRealmImport")) {
            for (JsonNode user : realm.at("/spec/realm/users")) {
                if (!user.has("serviceAccountClientId")) {
                    problems.add(realm.id() + ": demo user " + user.path("username").asText() + " in prod");
                }
            }
        }
        for (Manifest set : PeerChecks.peerSets(rendered)) {
            if (PeerChecks.pinnedZone(set).isEmpty()) {
                problems.add(set.id() + ": not pinned to the zone it claims");
            }
        }
        if (PeerChecks.peerSets(rendered).size() < 3) {
            problems.add("prod has peers in fewer than 3 zones");
        }
        if (!rendered.ofKind("Secret").isEmpty()) {
            problems.add("prod renders Secrets " + rendered.ofKind("Secret").stream().map(Manifest::name).toList()
                    + "; the installer creates them");
        }
        return problems;
    }

    static List<String> dev(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (Manifest realm : rendered.ofKind("KeycloakRealmImport")) {
            boolean demo = false;
            for (JsonNode user : realm.at("/spec/realm/users")) {
                demo |= !user.has("serviceAccountClientId");
            }
            if (!demo) {
                problems.add(realm.id() + ": dev has no demo users");
            }
        }
        return problems;
    }

    static boolean keptApart(JsonNode podSpec) {
        for (JsonNode term : podSpec.at("/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")) {
            if (term.path("topologyKey").asText().equals("kubernetes.io/hostname")) {
                return true;
            }
        }
        for (JsonNode spread : podSpec.path("topologySpreadConstraints")) {
            if (spread.path("topologyKey").asText().equals("kubernetes.io/hostname")
                    && spread.path("whenUnsatisfiable").asText().equals("DoNotSchedule")) {
                return true;
            }
        }
        return false;
    }
}

package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One rendered Kubernetes object, read as JSON. */
public record Manifest(ObjectNode body) {

    public String apiVersion() {
        return body.path("apiVersion").asText("");
    }

    public String kind() {
        return body.path("kind").asText("");
    }

    public String name() {
        return body.path("metadata").path("name").asText("");
    }

    /** {@code Kind/name}, as problems name an object. */
    public String id() {
        return kind() + "/" + name();
    }

    /** The API group ({@code ""} for the core group). */
    public String group() {
        String apiVersion = apiVersion();
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public JsonNode spec() {
        return body.path("spec");
    }

    public JsonNode at(String pointer) {
        return body.at(pointer);
    }

    public Map<String, String> labels() {
        return strings(body.path("metadata").path("labels"));
    }

    public Map<String, String> annotations() {
        return strings(body.path("metadata").path("annotations"));
    }

    /** The pod template of a workload, or a missing node. */
    public JsonNode podTemplate() {
        return switch (kind()) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> spec().path("template");
            case "CronJob" -> spec().path("jobTemplate").path("spec").path("template");
            default -> body.path("__none__");
        };
    }

    public boolean isWorkload() {
        return !podTemplate().isMissingNode();
    }

    /** Containers and init containers of the pod template. */
    public List<JsonNode> containers() {
        List<JsonNode> all = new ArrayList<>();
        JsonNode podSpec = podTemplate().path("spec");
        podSpec.path("initContainers").forEach(all::add);
        podSpec.path("containers").forEach(all::add);
        return all;
    }

    public static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }
}

package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Custom resources, checked against the operators' own CustomResourceDefinitions. A CRD's
 * structural schema prunes (or, with strict field validation, rejects) every field it does not
 * declare; here such a field is a problem, so a typo in a Strimzi, CloudNativePG, Keycloak,
 * cert-manager or Prometheus resource fails instead of vanishing on the cluster.
 */
public final class CrdSchemas {

    private final Map<String, Schema> schemas = new HashMap<>();

    private CrdSchemas() {
    }

    /** Reads every CRD (one per file) of a folder. */
    public static CrdSchemas load(Path folder) {
        CrdSchemas crds = new CrdSchemas();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode crd = Rendered.YAML.readTree(file.toFile());
                if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    continue;
                }
                String group = crd.at("/spec/group").asText();
                String kind = crd.at("/spec/names/kind").asText();
                for (JsonNode version : crd.at("/spec/versions")) {
                    if (!version.path("served").asBoolean()) {
                        continue;
                    }
                    ObjectNode schema = version.at("/schema/openAPIV3Schema").deepCopy();
                    strict(schema);
                    // metadata is checked with the core ObjectMeta model instead; some CRDs leave
                    // apiVersion and kind out of their schema
                    ObjectNode properties = schema.withObject("/properties");
                    properties.set("metadata", JsonNodeFactory.instance.objectNode().put("type", "object"));
                    properties.set("apiVersion", JsonNodeFactory.instance.objectNode().put("type", "string"));
                    properties.set("kind", JsonNodeFactory.instance.objectNode().put("type", "string"));
                    String key = key(group + "/" + version.path("name").asText(), kind);
                    crds.schemas.put(key, registry.getSchema(schema.toString(), InputFormat.JSON));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crds;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    public boolean covers(Manifest manifest) {
        return schemas.containsKey(key(manifest.apiVersion(), manifest.kind()));
    }

    public List<String> validate(Manifest manifest) {
        Schema schema = schemas.get(key(manifest.apiVersion(), manifest.kind()));
        if (schema == null) {
            return List.of(manifest.id() + ": no CRD here serves " + manifest.apiVersion() + " " + manifest.kind());
        }
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(manifest.body().toString(), InputFormat.JSON)) {
            problems.add(manifest.id() + " at " + error.getInstanceLocation() + ": " + error.getMessage());
        }
        problems.addAll(CoreSchemas.validate(manifest.id() + " metadata", V1ObjectMeta.class,
                manifest.body().path("metadata").toString()));
        return problems;
    }

    /**
     * Turns a structural schema into a strict JSON schema: an object that neither preserves
     * unknown fields nor declares additionalProperties (a map) allows no field it does not name;
     * int-or-string accepts both; nullable accepts null.
     */
    static void strict(JsonNode node) {
        if (!(node instanceof ObjectNode schema)) {
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            schema.remove("type");
            schema.remove("anyOf");
            schema.putArray("type").add("integer").add("string");
        }
        if (schema.path("nullable").asBoolean() && schema.path("type").isTextual()) {
            String type = schema.remove("type").asText();
            schema.putArray("type").add(type).add("null");
        }
        boolean object = "object".equals(schema.path("type").asText()) || schema.has("properties");
        if (object && !schema.has("additionalProperties")
                && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            schema.put("additionalProperties", false);
        }
        schema.path("properties").forEach(CrdSchemas::strict);
        strict(schema.path("additionalProperties"));
        JsonNode items = schema.path("items");
        if (items.isArray()) {
            items.forEach(CrdSchemas::strict);
        } else {
            strict(items);
        }
        // allOf/anyOf/oneOf branches in these CRDs only add required-field rules; a branch naming
        // a few properties must not forbid the others, so they stay as they are.
    }
}

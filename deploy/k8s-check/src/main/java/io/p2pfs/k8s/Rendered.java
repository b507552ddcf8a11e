package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The objects one overlay renders to ({@code kubectl kustomize}), in render order. */
public record Rendered(String overlay, List<Manifest> objects) {

    public static final ObjectMapper YAML = new YAMLMapper();

    /** Runs {@code kubectl kustomize DIR}; a render that fails throws with kustomize's message. */
    public static Rendered of(Path overlayDir) {
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        try {
            Path out = Files.createTempFile("render", ".yaml");
            Path err = Files.createTempFile("render", ".err");
            try {
                Process process = new ProcessBuilder(kubectl, "kustomize", overlayDir.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + overlayDir + " did not finish in 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new RenderFailed(overlayDir + ": " + Files.readString(err, StandardCharsets.UTF_8).strip());
                }
                return parse(overlayDir.getFileName().toString(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + kubectl + " (kubectl is needed to render the manifests)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Rendered parse(String overlay, String yaml) throws IOException {
        List<Manifest> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var documents = YAML.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document instanceof ObjectNode object && !object.isEmpty()) {
                    objects.add(new Manifest(object));
                }
            }
        }
        return new Rendered(overlay, List.copyOf(objects));
    }

    /** A deep copy, for tests that break one object and expect a check to notice. */
    public Rendered copy() {
        return new Rendered(overlay, new ArrayList<>(objects.stream().map(m -> new Manifest(m.body().deepCopy())).toList()));
    }

    public List<Manifest> ofKind(String kind) {
        return objects.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    public Optional<Manifest> find(String kind, String name) {
        return objects.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst();
    }

    public Manifest get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new IllegalArgumentException(overlay + " renders no " + kind + "/" + name));
    }

    public List<Manifest> workloads() {
        return objects.stream().filter(Manifest::isWorkload).toList();
    }

    /** A container that runs one of p2pfs's images, in the workload that runs it. */
    public record Container(Manifest workload, JsonNode node, String module) {

        /** {@code Kind/name container name}, as problems name a container. */
        public String id() {
            return workload.id() + " container " + node.path("name").asText();
        }
    }

    /** Every container of every workload that runs one of p2pfs's images. */
    public List<Container> p2pfsContainers() {
        List<Container> containers = new ArrayList<>();
        for (Manifest workload : workloads()) {
            for (JsonNode container : workload.containers()) {
                String module = SettingsChecks.module(container.path("image").asText());
                if (module != null) {
                    containers.add(new Container(workload, container, module));
                }
            }
        }
        return containers;
    }

    /** Kustomize could not render an overlay. */
    public static final class RenderFailed extends IllegalStateException {
        public RenderFailed(String message) {
            super(message);
        }
    }
}

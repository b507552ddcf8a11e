package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The services' images are named and tagged in one place, the base's {@code images:} list: each
 * container of p2pfs runs exactly what an entry says, no manifest or overlay tags an image of its
 * own, and every entry is used.
 */
public final class ImageChecks {

    private ImageChecks() {
    }

    /** The base's images: entries, name -> newName:newTag. */
    public static Map<String, String> imageEntries(Path k8sRoot) {
        try {
            JsonNode kustomization = Rendered.YAML.readTree(k8sRoot.resolve("base/kustomization.yaml").toFile());
            Map<String, String> entries = new LinkedHashMap<>();
            for (JsonNode image : kustomization.path("images")) {
                entries.put(image.path("name").asText(),
                        image.path("newName").asText(image.path("name").asText()) + ":" + image.path("newTag").asText());
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> check(Rendered rendered, Path k8sRoot) {
        List<String> problems = new ArrayList<>();
        Map<String, String> entries = imageEntries(k8sRoot);
        for (var entry : entries.entrySet()) {
            if (entry.getValue().endsWith(":") || entry.getValue().endsWith(":latest")) {
                problems.add("images: " + entry.getKey() + " has no fixed tag");
            }
        }
        List<String> used = new ArrayList<>();
        for (Rendered.Container container : rendered.p2pfsContainers()) {
            String image = container.node().path("image").asText();
            if (!entries.containsValue(image)) {
                problems.add(container.id() + ": image " + image + " is not set by the base's images: list " + entries.values());
            } else {
                used.add(image);
            }
        }
        for (var entry : entries.entrySet()) {
            if (!used.contains(entry.getValue())) {
                problems.add("images: " + entry.getKey() + " is used by no container");
            }
        }
        try (Stream<Path> files = Files.walk(k8sRoot)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                if (!file.equals(k8sRoot.resolve("base/kustomization.yaml"))
                        && Rendered.YAML.readTree(file.toFile()).has("images")) {
                    problems.add(k8sRoot.relativize(file) + ": sets images:, which only the base does");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return problems;
    }
}

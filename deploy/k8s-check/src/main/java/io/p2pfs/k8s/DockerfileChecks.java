package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Each service's Dockerfile builds the image its manifests run: from a base image with a fixed
 * tag, the whole Quarkus fast-jar layout of {@code target/quarkus-app}, run as the numeric user
 * the pods run as, exposing the port the containers declare.
 */
public final class DockerfileChecks {

    /** What {@code ./mvnw package} leaves in target/quarkus-app (Quarkus's fast-jar layout). */
    public static final Set<String> FAST_JAR = Set.of("target/quarkus-app/lib/", "target/quarkus-app/quarkus-run.jar",
            "target/quarkus-app/app/", "target/quarkus-app/quarkus/");

    private DockerfileChecks() {
    }

    public static Path dockerfile(Path repoRoot, String module) {
        return repoRoot.resolve(module).resolve("src/main/docker/Dockerfile.jvm");
    }

    public static List<String> check(Rendered rendered, Path repoRoot) {
        List<String> problems = new ArrayList<>();
        for (String module : new TreeSet<>(SettingsChecks.MODULES.values())) {
            Path file = dockerfile(repoRoot, module);
            if (!Files.isRegularFile(file)) {
                problems.add(module + ": no " + repoRoot.relativize(file));
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.startsWith("#")).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String where = repoRoot.relativize(file).toString();
            String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElse("");
            if (!from.matches("FROM [^:\\s]+:[^\\s]+") || from.endsWith(":latest")) {
                problems.add(where + ": base image without a fixed tag: " + from);
            }
            Set<String> copied = new LinkedHashSet<>();
            for (String line : lines) {
                if (line.startsWith("COPY ")) {
                    String[] words = line.split("\\s+");
                    copied.add(words[words.length - 2]);
                }
            }
            if (!copied.equals(FAST_JAR)) {
                problems.add(where + ": copies " + copied + ", not the fast-jar layout " + FAST_JAR);
            }
            String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root").substring(5);
            List<String> exposed = lines.stream().filter(l -> l.startsWith("EXPOSE ")).map(l -> l.substring(7).strip()).toList();
            if (!lines.stream().anyMatch(l -> l.startsWith("ENTRYPOINT") && l.contains("quarkus-run.jar"))) {
                problems.add(where + ": does not start quarkus-run.jar");
            }
            for (Rendered.Container container : rendered.p2pfsContainers()) {
                if (!module.equals(container.module())) {
                    continue;
                }
                Manifest m = container.workload();
                String runAs = container.node().at("/securityContext/runAsUser")
                        .asText(m.podTemplate().at("/spec/securityContext/runAsUser").asText());
                if (!user.equals(runAs)) {
                    problems.add(where + ": USER " + user + " but " + m.id() + " runs as " + runAs);
                }
                for (JsonNode port : container.node().path("ports")) {
                    if (!exposed.contains(port.path("containerPort").asText())) {
                        problems.add(where + ": does not EXPOSE " + port.path("containerPort").asText() + ", which " + m.id() + " serves on");
                    }
                }
            }
        }
        return problems;
    }
}

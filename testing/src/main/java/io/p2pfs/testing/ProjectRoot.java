package io.p2pfs.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the checkout's root (where {@code mvnw} lives) from a test JVM. */
final class ProjectRoot {

    private ProjectRoot() {
    }

    static Path find() {
        String configured = System.getProperty("p2pfs.project.root");
        if (configured != null && Files.exists(Path.of(configured, "mvnw"))) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("deploy"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the project root (set -Dp2pfs.project.root)");
    }
}

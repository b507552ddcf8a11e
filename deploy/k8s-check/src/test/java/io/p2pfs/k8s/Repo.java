package io.p2pfs.k8s;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository the tests run in (they run with the module's folder as working directory). */
final class Repo {

    static final Path ROOT = find();

    private Repo() {
    }

    private static Path find() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/k8s/overlays"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/k8s/overlays above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}

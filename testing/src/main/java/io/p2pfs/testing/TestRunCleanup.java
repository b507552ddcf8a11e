package io.p2pfs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What a test JVM leaves behind, undone when it exits: the child processes it started are
 * stopped first, then its scratch folders (peer chunk stores, broker logs, service homes) are
 * deleted, so repeated test runs do not fill the disk. {@code P2PFS_TEST_KEEP_SCRATCH=1}
 * keeps the folders for a post-mortem.
 */
public final class TestRunCleanup {

    private static final List<Runnable> STOPS = new CopyOnWriteArrayList<>();
    private static final List<Path> SCRATCH = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestRunCleanup::run, "test-run-cleanup"));
    }

    private TestRunCleanup() {
    }

    /** Runs {@code stop} when the JVM exits, before any scratch folder is deleted. */
    public static void onExit(Runnable stop) {
        STOPS.add(stop);
    }

    /** A new folder under the system's temporary directory, deleted when the JVM exits. */
    public static Path scratchDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            SCRATCH.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run() {
        // Stopped side by side: each may wait for its process to exit.
        List<Thread> stopping = STOPS.stream().map(stop -> Thread.ofPlatform().start(() -> {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.err.println("test cleanup: a stop failed: " + e);
            }
        })).toList();
        for (Thread thread : stopping) {
            try {
                thread.join(40_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (System.getenv("P2PFS_TEST_KEEP_SCRATCH") != null) {
            return;
        }
        SCRATCH.forEach(TestRunCleanup::delete);
    }

    static void delete(Path dir) {
        // A process that ignored its stop may still write into it: a few passes.
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException ignored) {
                        // retried by the next pass
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // retried by the next pass
            }
        }
    }
}

package io.p2pfs.audit.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.audit.OfflineVerifier;
import io.p2pfs.common.audit.TreeHead;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The heads directory: {@code tree-heads.ndjson} (every head, appended and fsynced),
 * {@code latest.json} (replaced atomically) and {@code signing-key.pub} (the log's public key,
 * base64), for an operator to ship somewhere the database's administrators cannot rewrite.
 */
@ApplicationScoped
public class HeadFiles {

    static final String ALL = "tree-heads.ndjson";
    static final String LATEST = "latest.json";
    static final String PUBLIC_KEY = "signing-key.pub";

    private final Optional<Path> directory;
    private final ObjectMapper json;

    public HeadFiles(LogConfig config, ObjectMapper json) {
        this.directory = config.headsDirectory();
        this.json = json;
    }

    public boolean configured() {
        return directory.isPresent();
    }

    public synchronized void writePublicKey(String base64) {
        directory.ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
                replace(dir.resolve(PUBLIC_KEY), base64 + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the log's public key to " + dir, e);
            }
        });
    }

    public synchronized void write(TreeHead head) throws IOException {
        if (directory.isEmpty()) {
            return;
        }
        Path dir = directory.get();
        Files.createDirectories(dir);
        String line = json.writeValueAsString(head);
        try (FileChannel all = FileChannel.open(dir.resolve(ALL), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            all.write(StandardCharsets.UTF_8.encode(line + "\n"));
            all.force(true);
        }
        replace(dir.resolve(LATEST), line + "\n");
    }

    /** The newest head written here (by tree size), if any. */
    public synchronized Optional<TreeHead> latest() {
        return directory.map(dir -> dir.resolve(LATEST)).filter(Files::isRegularFile).flatMap(file -> {
            try {
                return Optional.of(OfflineVerifier.parseHead(json.readTree(Files.readString(file))));
            } catch (IOException | IllegalArgumentException e) {
                Log.warnf("Unreadable tree head in %s: %s", file, e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** Every head written here, in the order written; unreadable lines are skipped with a warning. */
    public synchronized List<TreeHead> all() {
        List<TreeHead> heads = new ArrayList<>();
        if (directory.isEmpty() || !Files.isRegularFile(directory.get().resolve(ALL))) {
            return heads;
        }
        try {
            for (String line : Files.readAllLines(directory.get().resolve(ALL), StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    heads.add(OfflineVerifier.parseHead(json.readTree(line)));
                } catch (IOException | IllegalArgumentException e) {
                    Log.warnf("Skipping an unreadable line of %s: %s", ALL, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return heads;
    }

    private static void replace(Path target, String content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(StandardCharsets.UTF_8.encode(content));
            out.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

package io.p2pfs.cli.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.client.http.ServiceHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The lock tokens of the locks this profile took with {@code p2pfs lock}, so that its later
 * writes, moves and deletes under them present the token by themselves (the service hands a
 * token out once). Kept in a 0600 file; expired ones are dropped.
 */
public final class LockTokenStore {

    private static final ObjectMapper JSON = ServiceHttp.JSON;

    public record Held(String token, String mode, Instant expiresAt) {
    }

    private final Path file;

    public LockTokenStore(Path file) {
        this.file = file;
    }

    public synchronized Map<String, Held> all() {
        if (!Files.isRegularFile(file)) {
            return new TreeMap<>();
        }
        try {
            Map<String, Held> held = JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Held>>() {
            });
            Instant now = Instant.now();
            held.values().removeIf(lock -> lock.expiresAt() != null && lock.expiresAt().isBefore(now));
            return held;
        } catch (IOException damaged) {
            return new TreeMap<>();
        }
    }

    public synchronized void put(String path, Held lock) {
        Map<String, Held> held = all();
        held.put(path, lock);
        save(held);
    }

    public synchronized Held remove(String path) {
        Map<String, Held> held = all();
        Held removed = held.remove(path);
        save(held);
        return removed;
    }

    /** The tokens of held locks on {@code path}, above it, or below it (a directory's operation). */
    public Set<String> tokensFor(String... paths) {
        Map<String, Held> held = all();
        return held.entrySet().stream().filter(lock -> {
            for (String path : paths) {
                if (related(lock.getKey(), path)) {
                    return true;
                }
            }
            return false;
        }).map(lock -> lock.getValue().token()).collect(Collectors.toSet());
    }

    private static boolean related(String lockPath, String path) {
        return lockPath.equals(path) || within(path, lockPath) || within(lockPath, path);
    }

    private static boolean within(String path, String directory) {
        return directory.equals("/") || path.startsWith(directory.endsWith("/") ? directory : directory + "/");
    }

    private void save(Map<String, Held> held) {
        try {
            PrivateFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(held));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.p2pfs.metadata.conflicts;

import io.p2pfs.common.paths.FsPath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The name a {@code KEEP_BOTH} upload is stored under beside the file it conflicted with:
 * {@code report (conflict dora 20261125T041233Z).txt}. The time is UTC in ISO 8601 basic format
 * (no colons, so the name is valid on every client file system). Writers that conflict in the
 * same second take the next free attempt number: {@code report (conflict dora 20261125T041233Z 2).txt}.
 */
public final class ConflictNames {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_NAME_BYTES = 255;

    private ConflictNames() {
    }

    /**
     * @param original the conflicting file's name
     * @param user     who uploaded the conflicting content
     * @param attempt  1 for the plain name, 2, 3, … when that name is taken
     */
    public static String name(String original, String user, Instant at, int attempt) {
        int dot = original.lastIndexOf('.');
        // A leading dot (".profile") starts a name, not an extension.
        String stem = dot > 0 ? original.substring(0, dot) : original;
        String extension = dot > 0 ? original.substring(dot) : "";
        String tag = " (conflict " + safe(user) + " " + STAMP.format(at) + (attempt > 1 ? " " + attempt : "") + ")";
        int budget = MAX_NAME_BYTES - bytes(tag) - bytes(extension);
        while (bytes(stem) > budget && !stem.isEmpty()) {
            stem = stem.substring(0, stem.offsetByCodePoints(stem.length(), -1));
        }
        return FsPath.checkName(stem + tag + extension);
    }

    private static String safe(String user) {
        StringBuilder out = new StringBuilder();
        user.codePoints().limit(64).forEach(c -> {
            boolean unsafe = c == '/' || c < 0x20 || (c >= 0x7f && c < 0xa0);
            out.appendCodePoint(unsafe ? '_' : c);
        });
        return out.toString();
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

package io.p2pfs.common.paths;

import io.p2pfs.common.problem.BadRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A normalized absolute path in the p2pfs namespace: {@code /} or
 * {@code /a/b/c}. Normalization strips one trailing slash; it refuses (400) {@code .} and
 * {@code ..} segments, empty segments ({@code //}), NUL and other control characters, names
 * over 255 UTF-8 bytes and paths over 4096 bytes. Nothing is silently rewritten, so one
 * stored name always has exactly one spelling.
 */
public record FsPath(List<String> segments) {

    public static final FsPath ROOT = new FsPath(List.of());
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 4096;

    public FsPath {
        segments = List.copyOf(segments);
    }

    public static FsPath parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return ROOT;
        }
        String path = raw.startsWith("/") ? raw : "/" + raw;
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new BadRequest("A path is at most " + MAX_PATH_BYTES + " bytes.");
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals("/")) {
            return ROOT;
        }
        List<String> parts = new ArrayList<>();
        for (String segment : path.substring(1).split("/", -1)) {
            checkName(segment);
            parts.add(segment);
        }
        return new FsPath(parts);
    }

    /** Validates one name (a path segment). */
    public static String checkName(String name) {
        if (name.isEmpty()) {
            throw new BadRequest("Empty path segments ('//') are not allowed.");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new BadRequest("'.' and '..' are not allowed in paths.");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw new BadRequest("Control characters (including NUL) are not allowed in paths.");
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new BadRequest("A name is at most " + MAX_NAME_BYTES + " bytes.");
        }
        return name;
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public String name() {
        return isRoot() ? "" : segments.get(segments.size() - 1);
    }

    public FsPath parent() {
        return isRoot() ? ROOT : new FsPath(segments.subList(0, segments.size() - 1));
    }

    public FsPath child(String name) {
        List<String> parts = new ArrayList<>(segments);
        parts.add(checkName(name));
        return new FsPath(parts);
    }

    /** True when {@code other} is this path or lies below it. */
    public boolean contains(FsPath other) {
        return other.segments.size() >= segments.size() && other.segments.subList(0, segments.size()).equals(segments);
    }

    @Override
    public String toString() {
        return isRoot() ? "/" : "/" + String.join("/", segments);
    }
}

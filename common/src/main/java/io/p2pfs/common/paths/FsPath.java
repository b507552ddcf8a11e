package io.p2pfs.common.paths;

import io.p2pfs.common.problem.BadRequest;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A normalized absolute path in the p2pfs namespace: {@code /} or
 * {@code /a/b/c}. Normalization strips one trailing slash and brings every name to Unicode NFC,
 * so the composed and decomposed spellings of a name (as macOS and Linux clients send them)
 * are one name. It refuses (400) {@code .} and {@code ..} segments, empty segments
 * ({@code //}), NUL and other control characters, invisible format characters (bidirectional
 * overrides and isolates, zero-width spaces and joiners, the byte-order mark), line and
 * paragraph separators, unpaired surrogates and non-characters, names over 255 UTF-8 bytes and
 * paths over 4096 bytes. A name that looks like another one on screen therefore cannot hide
 * behind characters that do not show.
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
            parts.add(checkName(segment));
        }
        return new FsPath(parts);
    }

    /** Validates one name (a path segment) and answers it in NFC. */
    public static String checkName(String raw) {
        String name = Normalizer.isNormalized(raw, Normalizer.Form.NFC) ? raw
                : Normalizer.normalize(raw, Normalizer.Form.NFC);
        if (name.isEmpty()) {
            throw new BadRequest("Empty path segments ('//') are not allowed.");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new BadRequest("'.' and '..' are not allowed in paths.");
        }
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            switch (Character.getType(c)) {
                case Character.CONTROL -> throw new BadRequest(
                        "Control characters (including NUL) are not allowed in paths.");
                case Character.FORMAT -> throw new BadRequest(String.format("Invisible format characters "
                        + "(bidirectional controls, zero-width characters; here U+%04X) are not allowed in paths.", c));
                case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> throw new BadRequest(
                        "Line and paragraph separators are not allowed in paths.");
                case Character.SURROGATE -> throw new BadRequest("A path must be valid Unicode (unpaired surrogate).");
                default -> {
                    if ((c & 0xfffe) == 0xfffe || (c >= 0xfdd0 && c <= 0xfdef)) {
                        throw new BadRequest(String.format("Unicode non-characters (U+%04X) are not allowed in paths.",
                                c));
                    }
                }
            }
            i += Character.charCount(c);
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

package io.p2pfs.metadata.core;

/**
 * ETags of file versions, {@code "<entryId>.<version>"}, and the conditional headers that name
 * them ({@code If-Match}, {@code If-None-Match}).
 */
public final class ETags {

    private ETags() {
    }

    public static String of(long entryId, int version) {
        return "\"" + entryId + "." + version + "\"";
    }

    /** The newest version of the entry an {@code If-Match} header names ({@code *}: the current one), or null. */
    public static Integer namedVersion(String header, long entryId, int currentVersion) {
        Integer named = null;
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*")) {
                return currentVersion;
            }
            String prefix = "\"" + entryId + ".";
            if (tag.startsWith(prefix) && tag.endsWith("\"") && tag.length() > prefix.length() + 1) {
                try {
                    int version = Integer.parseInt(tag.substring(prefix.length(), tag.length() - 1));
                    if (version >= 1 && version <= currentVersion && (named == null || version > named)) {
                        named = version;
                    }
                } catch (NumberFormatException e) {
                    // not one of our ETags: names nothing
                }
            }
        }
        return named;
    }

    /** Whether a conditional header's list holds {@code etag} (or {@code *}). */
    public static boolean matches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}

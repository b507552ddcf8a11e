package io.p2pfs.common.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the caller can act on. The one mapper in {@link ProblemMappers} turns it into an
 * RFC 9457 {@code application/problem+json} response with this status, title and detail, plus
 * any extension members (for example {@code currentEtag} on a 412).
 *
 * <p>The detail is shown to callers: it must never carry secrets or internal exception text.
 */
public abstract class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String deniedPath;
    private String deniedPermission;

    protected ProblemException(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Adds an extension member to the problem document. */
    public ProblemException with(String member, Object value) {
        extensions.put(member, value);
        return this;
    }

    /**
     * Marks this failure as a refusal of access to a namespace path, for the audit record of
     * the denial: the path and the permission it lacked (not shown to the caller beyond what
     * the detail says). A 404 marked so (a name the caller may not learn exists) is audited as
     * a denial too.
     */
    public ProblemException denying(String path, String permission) {
        this.deniedPath = path;
        this.deniedPermission = permission;
        return this;
    }

    /** Whether the answer refuses access (401, 403, or a 404 that hides a name). */
    public boolean isDenial() {
        return status == 401 || status == 403 || deniedPath != null;
    }

    /** The namespace path refused, if known. */
    public String deniedPath() {
        return deniedPath;
    }

    /** The permission the caller lacked, if known. */
    public String deniedPermission() {
        return deniedPermission;
    }

    /** Adds a response header (for example {@code ETag} or {@code Retry-After}). */
    public ProblemException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }
}

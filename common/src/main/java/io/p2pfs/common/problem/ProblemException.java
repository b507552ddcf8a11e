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

    /** Adds a response header (for example {@code ETag} or {@code Retry-After}). */
    public ProblemException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }
}

package io.p2pfs.client;

import java.util.Map;

/**
 * A service answered with an error (its {@code application/problem+json} body), or a transfer
 * could not be completed. {@code status} is the HTTP status the caller should see: the service's
 * own, or 503 when storage nodes failed, 400 when the content to upload broke off.
 */
public class P2pfsException extends RuntimeException {

    private final int status;
    private final String title;
    private final transient Map<String, Object> problem;

    public P2pfsException(int status, String title, String detail, Map<String, Object> problem) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.problem = problem == null ? Map.of() : Map.copyOf(problem);
    }

    public static P2pfsException unavailable(String detail) {
        return new P2pfsException(503, "Service Unavailable", detail, Map.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The detail the service gave (what went wrong, in words). */
    public String detail() {
        return getMessage();
    }

    /** Every member of the problem body (extensions included, such as {@code chunkId}). */
    public Map<String, Object> problem() {
        return problem;
    }

    @Override
    public String toString() {
        return status + " " + title + ": " + getMessage();
    }
}

package io.p2pfs.cli;

/**
 * The command's exit status by class of failure, so scripts can tell what went wrong: 0 done,
 * 1 other, 2 usage (bad arguments or a request the service found malformed), 3 authentication
 * or permission, 4 not found, 5 conflict or failed precondition, 6 locked, 7 unavailable.
 *
 * <p>A full storage quota (507) is a conflict: the request is sound, the state of the account
 * refuses it, and the same command succeeds once that state changes (files deleted, a higher
 * limit), as after a 409. It is not "unavailable": waiting does not free the space, so a script
 * that retries on 7 would loop.
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int OTHER = 1;
    public static final int USAGE = 2;
    public static final int AUTH = 3;
    public static final int NOT_FOUND = 4;
    public static final int CONFLICT = 5;
    public static final int LOCKED = 6;
    public static final int UNAVAILABLE = 7;

    private ExitCodes() {
    }

    /** The class of an HTTP status a service answered. */
    public static int ofStatus(int status) {
        return switch (status) {
            case 400, 405, 413, 414, 415, 416, 422 -> USAGE;
            case 401, 403 -> AUTH;
            case 404, 410 -> NOT_FOUND;
            case 409, 412, 428, 507 -> CONFLICT;
            case 423 -> LOCKED;
            case 502, 503, 504 -> UNAVAILABLE;
            default -> OTHER;
        };
    }
}

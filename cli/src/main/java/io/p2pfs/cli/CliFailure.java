package io.p2pfs.cli;

/**
 * A failure the command reports in words, with its exit status (see {@link ExitCodes}): a bad
 * argument, a missing login, a local file that is not there. Printed as title and detail, never
 * as a stack trace.
 */
public final class CliFailure extends RuntimeException {

    private final int exitCode;
    private final String title;

    public CliFailure(int exitCode, String title, String detail) {
        super(detail, null, false, false);
        this.exitCode = exitCode;
        this.title = title;
    }

    public static CliFailure usage(String detail) {
        return new CliFailure(ExitCodes.USAGE, "Usage", detail);
    }

    public static CliFailure auth(String detail) {
        return new CliFailure(ExitCodes.AUTH, "Not logged in", detail);
    }

    public static CliFailure notFound(String detail) {
        return new CliFailure(ExitCodes.NOT_FOUND, "Not Found", detail);
    }

    public int exitCode() {
        return exitCode;
    }

    public String title() {
        return title;
    }
}

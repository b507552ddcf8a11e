package io.p2pfs.common.problem;

/** The named resource does not exist (404). */
public class NotFound extends ProblemException {

    public NotFound(String detail) {
        super(404, "Not Found", detail);
    }
}

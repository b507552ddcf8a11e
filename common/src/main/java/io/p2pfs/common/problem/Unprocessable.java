package io.p2pfs.common.problem;

/** The body is well-formed but its content is wrong, e.g. a hash mismatch (422). */
public class Unprocessable extends ProblemException {

    public Unprocessable(String detail) {
        super(422, "Unprocessable Content", detail);
    }
}

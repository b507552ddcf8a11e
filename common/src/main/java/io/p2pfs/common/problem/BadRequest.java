package io.p2pfs.common.problem;

/** The request is malformed or names an invalid value (400). */
public class BadRequest extends ProblemException {

    public BadRequest(String detail) {
        super(400, "Bad Request", detail);
    }
}

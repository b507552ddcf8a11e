package io.p2pfs.common.problem;

/** No valid credentials were presented (401). */
public class Unauthorized extends ProblemException {

    public Unauthorized(String detail) {
        super(401, "Unauthorized", detail);
    }
}

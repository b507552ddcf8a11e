package io.p2pfs.common.problem;

/** The request conflicts with the current state, e.g. a taken name (409). */
public class Conflict extends ProblemException {

    public Conflict(String detail) {
        super(409, "Conflict", detail);
    }
}

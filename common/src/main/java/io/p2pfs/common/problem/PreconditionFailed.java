package io.p2pfs.common.problem;

/** A conditional request's precondition does not hold (412). */
public class PreconditionFailed extends ProblemException {

    public PreconditionFailed(String detail) {
        super(412, "Precondition Failed", detail);
    }
}

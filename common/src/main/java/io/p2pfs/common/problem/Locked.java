package io.p2pfs.common.problem;

/** The resource is locked by another holder (423). */
public class Locked extends ProblemException {

    public Locked(String detail) {
        super(423, "Locked", detail);
    }
}

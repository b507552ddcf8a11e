package io.p2pfs.common.problem;

/** The node has no room for the data (507). */
public class InsufficientStorage extends ProblemException {

    public InsufficientStorage(String detail) {
        super(507, "Insufficient Storage", detail);
    }
}

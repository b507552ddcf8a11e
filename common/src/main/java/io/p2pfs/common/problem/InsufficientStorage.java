package io.p2pfs.common.problem;

/** No room for the data (507): a storage node is full, or a commit would pass its owner's quota. */
public class InsufficientStorage extends ProblemException {

    public InsufficientStorage(String detail) {
        super(507, "Insufficient Storage", detail);
    }
}

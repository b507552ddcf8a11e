package io.p2pfs.common.problem;

/** The body exceeds the allowed size (413). */
public class PayloadTooLarge extends ProblemException {

    public PayloadTooLarge(String detail) {
        super(413, "Payload Too Large", detail);
    }
}

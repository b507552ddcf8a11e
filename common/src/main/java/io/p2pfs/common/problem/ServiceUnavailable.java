package io.p2pfs.common.problem;

/** A dependency the request needs is not available right now (503). */
public class ServiceUnavailable extends ProblemException {

    public ServiceUnavailable(String detail) {
        super(503, "Service Unavailable", detail);
    }
}

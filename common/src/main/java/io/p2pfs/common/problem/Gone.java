package io.p2pfs.common.problem;

/** The named resource existed and has ended: an upload session committed, aborted or expired (410). */
public class Gone extends ProblemException {

    public Gone(String detail) {
        super(410, "Gone", detail);
    }
}

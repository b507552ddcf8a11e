package io.p2pfs.common.problem;

/**
 * Told about every 401 and 403 a service answers, so that no denial is silent. A service with
 * a database replaces the default (a log line) with one that writes an {@code access.denied}
 * event through its outbox.
 */
public interface DenialRecorder {

    /** One refused request; never carries the token or any other secret. */
    record Denial(int status, String reason, String actor, String method, String resource, String clientAddress) {
    }

    void denied(Denial denial);
}

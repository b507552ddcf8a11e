package io.p2pfs.common.problem;

/**
 * Told about every 401 and 403 a service answers, so that no denial is silent. A service with
 * a database replaces the default (a log line) with one that writes an {@code access.denied}
 * event through its outbox.
 */
public interface DenialRecorder {

    /**
     * One refused request, or {@code count} alike ones from anonymous callers; never carries the
     * token or any other secret.
     *
     * @param url        the request's path
     * @param path       the namespace path refused, if the service knows it (else null)
     * @param permission the permission the caller lacked, if known
     * @param actor      the caller's user id where the service resolved it, else its login
     * @param subject    the token subject of the caller (null for anonymous callers)
     */
    record Denial(int status, String reason, String actor, String method, String url, String clientAddress,
            String path, String permission, int count, String subject) {

        public Denial(int status, String reason, String actor, String method, String url, String clientAddress) {
            this(status, reason, actor, method, url, clientAddress, null, null, 1, null);
        }

        public Denial(int status, String reason, String actor, String method, String url, String clientAddress,
                String path, String permission, int count) {
            this(status, reason, actor, method, url, clientAddress, path, permission, count, null);
        }

        /** What the denial is about: the namespace path where known, else the URL. */
        public String resource() {
            return path != null ? path : url;
        }

        public Denial counted(int n) {
            return new Denial(status, reason, actor, method, url, clientAddress, path, permission, n, subject);
        }

        /** Its {@code access.denied} event's data, the same from every service. */
        public io.p2pfs.common.events.AuditData auditData() {
            return new io.p2pfs.common.events.AuditData(actor, io.p2pfs.common.events.EventTypes.ACCESS_DENIED,
                    resource(), io.p2pfs.common.events.AuditData.Outcome.DENIED, reason, clientAddress, null,
                    details(), subject);
        }

        /** The record key of its event: the actor, or the client for anonymous callers. */
        public String eventKey() {
            return actor != null ? actor : "anonymous@" + clientAddress;
        }

        /** The details of its audit record: status, method, URL, and the permission and count when known. */
        public java.util.Map<String, Object> details() {
            java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("status", status);
            details.put("method", method);
            details.put("url", url);
            if (path != null) {
                details.put("path", path);
            }
            if (permission != null) {
                details.put("permission", permission);
            }
            if (count != 1) {
                details.put("count", count);
            }
            return details;
        }
    }

    void denied(Denial denial);
}

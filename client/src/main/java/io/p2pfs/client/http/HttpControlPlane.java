package io.p2pfs.client.http;

import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.ControlPlane;
import io.vertx.core.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@link ControlPlane} over the metadata service's REST API. */
public final class HttpControlPlane implements ControlPlane {

    private final ServiceHttp http;
    private final String metadata;

    /** {@code metadataUrl}: the service's base URL, e.g. {@code https://localhost:8442}. */
    public HttpControlPlane(ServiceHttp http, String metadataUrl) {
        this.http = http;
        this.metadata = metadataUrl.endsWith("/") ? metadataUrl.substring(0, metadataUrl.length() - 1) : metadataUrl;
    }

    @Override
    public Uploads.Session begin(Uploads.Begin begin, Set<String> lockTokens) {
        return http.call(HttpMethod.POST, metadata + "/api/v1/uploads", begin, lockHeader(lockTokens),
                Uploads.Session.class, 201);
    }

    /** The gateway's {@code PUT /api/v1/files/{path}}: one call, the service stores the content as it sees fit. */
    @Override
    public Uploads.Result small(String path, byte[] content, String ifMatch, boolean createOnly,
            Set<String> lockTokens) {
        Map<String, String> headers = new LinkedHashMap<>(lockHeader(lockTokens));
        if (ifMatch != null) {
            headers.put("If-Match", ifMatch);
        }
        if (createOnly) {
            headers.put("If-None-Match", "*");
        }
        return http.call(HttpMethod.PUT, metadata + "/api/v1/files" + ServiceHttp.encodePath(path),
                new ServiceHttp.Raw(content, "application/octet-stream"), headers, Uploads.Result.class, 200, 201);
    }

    @Override
    public Uploads.Placements place(UUID uploadId, Uploads.PlacementRequest request) {
        return http.call(HttpMethod.POST, metadata + "/api/v1/uploads/" + uploadId + "/placements", request, Map.of(),
                Uploads.Placements.class, 200);
    }

    @Override
    public Uploads.Result commit(UUID uploadId, Uploads.Commit commit, Set<String> lockTokens) {
        return http.call(HttpMethod.POST, metadata + "/api/v1/uploads/" + uploadId + "/commit", commit,
                lockHeader(lockTokens), Uploads.Result.class, 200, 201);
    }

    @Override
    public void abort(UUID uploadId) {
        try {
            http.call(HttpMethod.DELETE, metadata + "/api/v1/uploads/" + uploadId, null, Map.of(), (Class<?>) null,
                    204);
        } catch (P2pfsException e) {
            if (e.status() != 404 && e.status() != 410) {
                throw e;
            }
        }
    }

    @Override
    public Downloads.ManifestPage manifest(String path, Integer version, long offset, Long length) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("version", version);
        query.put("offset", offset);
        query.put("length", length);
        return http.call(HttpMethod.GET, metadata + "/api/v1/manifests" + ServiceHttp.encodePath(path)
                + ServiceHttp.query(query), null, Map.of(), Downloads.ManifestPage.class, 200);
    }

    @Override
    public void report(Downloads.ReplicaReport report) {
        http.call(HttpMethod.POST, metadata + "/api/v1/replicas/reports", report, Map.of(), (Class<?>) null, 202);
    }

    private static Map<String, String> lockHeader(Set<String> lockTokens) {
        return lockTokens == null || lockTokens.isEmpty() ? Map.of() : Map.of("Lock-Token", String.join(", ", lockTokens));
    }
}

package io.p2pfs.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.client.api.Access;
import io.p2pfs.client.api.Health;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.client.api.Quotas;
import io.p2pfs.client.http.Coalescer;
import io.p2pfs.client.http.HttpClients;
import io.p2pfs.client.http.HttpControlPlane;
import io.p2pfs.client.http.JdkHttp;
import io.p2pfs.client.http.ServiceHttp;
import io.p2pfs.client.http.VertxChunkTransport;
import io.p2pfs.client.transfer.ControlPlane;
import io.p2pfs.client.transfer.Downloader;
import io.p2pfs.client.transfer.TransferSettings;
import io.p2pfs.client.transfer.Uploader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * p2pfs for Java programs: files go straight between this client and the storage nodes, while
 * the metadata service decides where chunks go, checks access and records versions. Thread-safe;
 * close it when done. A sketch:
 *
 * <pre>{@code
 * try (P2pfsClient p2pfs = P2pfsClient.builder().metadata("https://localhost:8442")
 *         .tracker("https://localhost:8441").trust(Path.of(".local/tls/ca.crt")).token(() -> accessToken).build()) {
 *     p2pfs.upload("/alice/report.pdf", Path.of("report.pdf"));
 *     p2pfs.download("/alice/report.pdf", System.out);
 * }
 * }</pre>
 */
public final class P2pfsClient implements AutoCloseable {

    private final Builder config;
    private final ServiceHttp http;
    private final String metadataUrl;
    private final String trackerUrl;
    private final String auditUrl;
    private final ControlPlane control;
    private final Coalescer<String, NamespaceApi.StatResult> stats;
    private Engine engine;

    /**
     * What moves chunks: event loops, the nodes' connection pools, the CPU pool, the pipeline's
     * two halves. Made on the first transfer, so a program that only calls the APIs never starts it.
     */
    private record Engine(Vertx vertx, boolean ownsVertx, VertxChunkTransport transport, ExecutorService cpu,
            ExecutorService calls, Uploader uploader, Downloader downloader) {
    }

    private P2pfsClient(Builder builder) {
        this.config = builder;
        this.metadataUrl = strip(Objects.requireNonNull(builder.metadata, "metadata URL"));
        this.trackerUrl = builder.tracker == null ? null : strip(builder.tracker);
        this.auditUrl = builder.audit == null ? null : strip(builder.audit);
        if (builder.jdkHttpForCalls) {
            this.http = new ServiceHttp(JdkHttp.client(builder.trust), builder.token, builder.settings.requestTimeout());
        } else {
            Vertx vertx = engine().vertx();
            this.http = new ServiceHttp(vertx, HttpClients.forServices(vertx, builder.trust), builder.token,
                    builder.settings.requestTimeout());
        }
        this.control = new HttpControlPlane(http, metadataUrl);
        this.stats = builder.statsInFlight == 0 ? null : new Coalescer<>(this::statAloneAsync,
                paths -> statsAsync(paths, false), builder.statsInFlight, NamespaceApi.MAX_STATS);
    }

    private synchronized Engine engine() {
        if (engine == null) {
            boolean owns = config.vertx == null;
            Vertx vertx = owns ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(
                    Math.max(2, Runtime.getRuntime().availableProcessors()))) : config.vertx;
            int perNode = Math.max(config.settings.chunksInFlight(), config.settings.readsInFlight()) + 2;
            VertxChunkTransport transport = new VertxChunkTransport(vertx, HttpClients.forNodes(vertx, config.trust,
                    perNode), config.settings.requestTimeout());
            int cores = Runtime.getRuntime().availableProcessors();
            ExecutorService cpu = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("p2pfs-cpu-", 0)
                    .daemon().factory());
            ExecutorService calls = Executors.newCachedThreadPool(Thread.ofPlatform().name("p2pfs-calls-", 0)
                    .daemon().factory());
            engine = new Engine(vertx, owns, transport, cpu, calls, new Uploader(transport, cpu, config.settings),
                    new Downloader(transport, cpu, calls, config.settings));
        }
        return engine;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the services are, whom to trust, who calls, and how much may be in flight. */
    public static final class Builder {
        private String metadata;
        private String tracker;
        private String audit;
        private Path trust;
        private Supplier<String> token = () -> null;
        private TransferSettings settings = TransferSettings.defaults();
        private Vertx vertx;
        private boolean jdkHttpForCalls;
        private int statsInFlight = 2;

        public Builder metadata(String url) {
            this.metadata = url;
            return this;
        }

        public Builder tracker(String url) {
            this.tracker = url;
            return this;
        }

        public Builder audit(String url) {
            this.audit = url;
            return this;
        }

        /** Trust exactly the CA certificates of this PEM file (else the JVM's trust store). */
        public Builder trust(Path caPem) {
            this.trust = caPem;
            return this;
        }

        /** The caller's access token, asked for before every call (so it may be refreshed). */
        public Builder token(Supplier<String> token) {
            this.token = Objects.requireNonNull(token);
            return this;
        }

        public Builder settings(TransferSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * Call the services with the JDK's HTTP client, and start the event loops only when
         * chunks move: for short-lived programs such as a command line, which answer sooner.
         */
        public Builder jdkHttpForCalls() {
            this.jdkHttpForCalls = true;
            return this;
        }

        /**
         * How many stat calls of this client may be out at once (default 2); stats asked for
         * while that many are out wait and go together in the next call. 0: every stat is a
         * call of its own.
         */
        public Builder statsInFlight(int calls) {
            if (calls < 0) {
                throw new IllegalArgumentException("statsInFlight must be 0 or more");
            }
            this.statsInFlight = calls;
            return this;
        }

        /** Run on this Vert.x instance (it is not closed with the client). */
        public Builder vertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }

        public P2pfsClient build() {
            return new P2pfsClient(this);
        }
    }

    public Uploader.Outcome upload(String path, InputStream content, Uploader.Options options) throws IOException {
        return engine().uploader().upload(control, path, content, options);
    }

    public Uploader.Outcome upload(String path, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return upload(path, in, Uploader.Options.none());
        }
    }

    /** Opens a download of a range (see {@link Downloader#open}); then {@code writeTo} a stream. */
    public Downloader.Download open(String path, Integer version, long offset, Long length) {
        return engine().downloader().open(control, path, version, offset, length);
    }

    /** The current version's whole content into {@code out}; returns its length. */
    public long download(String path, OutputStream out) throws IOException {
        return open(path, null, 0, null).writeTo(out);
    }

    /** The control plane this client uses, for programs that run parts of the pipeline themselves. */
    public ControlPlane controlPlane() {
        return control;
    }

    /** The chunk transport this client uses, likewise. */
    public io.p2pfs.client.transfer.ChunkTransport transport() {
        return engine().transport();
    }

    /**
     * The stat of {@code path}. Stats that threads of this client ask for at the same time are
     * joined into one {@code POST /stats} call (see {@link Builder#statsInFlight}); each answers,
     * or fails with, exactly what its own {@code GET /stat} would.
     */
    public NamespaceApi.Stat stat(String path) {
        NamespaceApi.StatResult result = stats == null ? statAlone(path) : stats.call(path);
        if (result.problem() != null) {
            NamespaceApi.Problem problem = result.problem();
            throw new P2pfsException(problem.status(), problem.title(), problem.detail(), Map.of("status",
                    problem.status(), "title", problem.title(), "detail", problem.detail()));
        }
        return result.stat();
    }

    /** With {@code replicas}, a file's answer also says how well its chunks are replicated (a little dearer). */
    public NamespaceApi.Stat stat(String path, boolean replicas) {
        if (!replicas) {
            return stat(path);
        }
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/stat" + ServiceHttp.encodePath(path)
                + "?replicas=true", null, Map.of(), NamespaceApi.Stat.class, 200);
    }

    private NamespaceApi.StatResult statAlone(String path) {
        return new NamespaceApi.StatResult(path, http.call(HttpMethod.GET, metadataUrl + "/api/v1/stat"
                + ServiceHttp.encodePath(path), null, Map.of(), NamespaceApi.Stat.class, 200), null);
    }

    private java.util.concurrent.CompletableFuture<NamespaceApi.StatResult> statAloneAsync(String path) {
        return http.callAsync(HttpMethod.GET, metadataUrl + "/api/v1/stat" + ServiceHttp.encodePath(path), null,
                Map.of(), NamespaceApi.Stat.class, 200).thenApply(stat -> new NamespaceApi.StatResult(path, stat, null));
    }

    /** One {@code POST /stats} call of at most {@link NamespaceApi#MAX_STATS} paths, without waiting. */
    private java.util.concurrent.CompletableFuture<List<NamespaceApi.StatResult>> statsAsync(List<String> part,
            boolean replicas) {
        return http.callAsync(HttpMethod.POST, metadataUrl + "/api/v1/stats",
                new NamespaceApi.StatQuery(part, replicas ? Boolean.TRUE : null), Map.of(), NamespaceApi.Stats.class,
                200).thenApply(answer -> checked(answer, part));
    }

    private static List<NamespaceApi.StatResult> checked(NamespaceApi.Stats answer, List<String> part) {
        if (answer.results() == null || answer.results().size() != part.size()) {
            throw new P2pfsException(502, "Bad Gateway", "POST /api/v1/stats answered "
                    + (answer.results() == null ? 0 : answer.results().size()) + " results for " + part.size()
                    + " paths", Map.of());
        }
        return answer.results();
    }

    /**
     * The stats of many paths, one result per path in their order: its stat, or the problem its
     * own stat would have answered. Sent {@link NamespaceApi#MAX_STATS} paths per call.
     */
    public List<NamespaceApi.StatResult> stats(List<String> paths, boolean replicas) {
        List<NamespaceApi.StatResult> results = new ArrayList<>(paths.size());
        for (int from = 0; from < paths.size(); from += NamespaceApi.MAX_STATS) {
            List<String> part = paths.subList(from, Math.min(paths.size(), from + NamespaceApi.MAX_STATS));
            NamespaceApi.Stats answer = http.call(HttpMethod.POST, metadataUrl + "/api/v1/stats",
                    new NamespaceApi.StatQuery(part, replicas ? Boolean.TRUE : null), Map.of(),
                    NamespaceApi.Stats.class, 200);
            results.addAll(checked(answer, part));
        }
        return results;
    }

    public NamespaceApi.Listing list(String path, String cursor, Integer limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("cursor", cursor);
        query.put("limit", limit);
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/list" + ServiceHttp.encodePath(path)
                + ServiceHttp.query(query), null, Map.of(), NamespaceApi.Listing.class, 200);
    }

    public NamespaceApi.Created mkdirs(String path) {
        return mkdirs(path, Set.of());
    }

    /** Creates {@code path} and its missing parents, presenting {@code lockTokens} for locked ones. */
    public NamespaceApi.Created mkdirs(String path, Set<String> lockTokens) {
        return http.call(HttpMethod.POST, metadataUrl + "/api/v1/dirs" + ServiceHttp.encodePath(path)
                + "?parents=true", null, lockHeader(lockTokens), NamespaceApi.Created.class, 200, 201);
    }

    /** Creates {@code path} (its parent must exist). */
    public NamespaceApi.Created mkdir(String path, Set<String> lockTokens) {
        return http.call(HttpMethod.POST, metadataUrl + "/api/v1/dirs" + ServiceHttp.encodePath(path), null,
                lockHeader(lockTokens), NamespaceApi.Created.class, 200, 201);
    }

    public void delete(String path) {
        delete(path, false, Set.of());
    }

    /** Deletes a file or an empty directory, or with {@code recursive} a directory and all below it. */
    public void delete(String path, boolean recursive, Set<String> lockTokens) {
        http.call(HttpMethod.DELETE, metadataUrl + "/api/v1/files" + ServiceHttp.encodePath(path)
                + (recursive ? "?recursive=true" : ""), null, lockHeader(lockTokens), (Class<?>) null, 204);
    }

    /** Moves or renames a file or a directory with everything below it. */
    public NamespaceApi.Moved move(String from, String to, Set<String> lockTokens) {
        return http.call(HttpMethod.POST, metadataUrl + "/api/v1/moves", new NamespaceApi.Move(from, to),
                lockHeader(lockTokens), NamespaceApi.Moved.class, 200);
    }

    /** What others shared with the caller. */
    public NamespaceApi.SharedPage shared(String cursor, Integer limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("cursor", cursor);
        query.put("limit", limit);
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/shared" + ServiceHttp.query(query), null, Map.of(),
                NamespaceApi.SharedPage.class, 200);
    }

    /** Makes version {@code version} of {@code path} current again (as a new version). */
    public JsonNode restore(String path, int version, Set<String> lockTokens) {
        return http.call(HttpMethod.POST, metadataUrl + "/api/v1/versions" + ServiceHttp.encodePath(path) + "/"
                + version + "/restore", null, lockHeader(lockTokens), JsonNode.class, 200, 201);
    }

    public Access.AclView acl(String path) {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/acl" + ServiceHttp.encodePath(path), null, Map.of(),
                Access.AclView.class, 200);
    }

    /** Replaces the path's own ACL. */
    public Access.AclView setAcl(String path, Access.AclDocument document) {
        return http.call(HttpMethod.PUT, metadataUrl + "/api/v1/acl" + ServiceHttp.encodePath(path), document,
                Map.of(), Access.AclView.class, 200);
    }

    /** The path's own policy settings and the effective ones ({@code own}, {@code effective}). */
    public JsonNode policy(String path) {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/policies" + ServiceHttp.encodePath(path), null,
                Map.of(), JsonNode.class, 200);
    }

    /** Sets the directory's own policy settings ({@code conflictStrategy}, {@code replicationFactor}, …). */
    public JsonNode setPolicy(String path, Map<String, Object> settings) {
        return http.call(HttpMethod.PUT, metadataUrl + "/api/v1/policies" + ServiceHttp.encodePath(path), settings,
                Map.of(), JsonNode.class, 200);
    }

    public Access.LockGranted lock(String path, Access.LockRequest request) {
        return http.call(HttpMethod.POST, metadataUrl + "/api/v1/locks" + ServiceHttp.encodePath(path), request,
                Map.of(), Access.LockGranted.class, 200, 201);
    }

    public Access.LockRenewed renewLock(String path, String lockToken, Integer ttlSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (ttlSeconds != null) {
            body.put("ttlSeconds", ttlSeconds);
        }
        return http.call(HttpMethod.PUT, metadataUrl + "/api/v1/locks" + ServiceHttp.encodePath(path), body,
                Map.of("Lock-Token", lockToken), Access.LockRenewed.class, 200);
    }

    public void unlock(String path, String lockToken) {
        http.call(HttpMethod.DELETE, metadataUrl + "/api/v1/locks" + ServiceHttp.encodePath(path), null,
                Map.of("Lock-Token", lockToken), (Class<?>) null, 200, 204);
    }

    /**
     * Breaks every live lock on exactly {@code path}, whoever holds it (for the owner, a SHARE
     * holder or an admin); answers the locks broken.
     */
    public List<Access.LockInfo> breakLocks(String path) {
        return http.call(HttpMethod.DELETE, metadataUrl + "/api/v1/locks" + ServiceHttp.encodePath(path)
                + "?break=true", null, Map.of(), Access.LocksBroken.class, 200).broken();
    }

    /** The live locks on {@code path} and below it. */
    public List<Access.LockInfo> locks(String path) {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/locks" + ServiceHttp.encodePath(path), null,
                Map.of(), new TypeReference<List<Access.LockInfo>>() {
                }, 200);
    }

    /** The encryption keys' state (admins). */
    public JsonNode keys() {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/admin/keys", null, Map.of(), JsonNode.class, 200);
    }

    /** Replication health (admins and auditors): chunks by live copies, repair queue, drains, garbage. */
    public Health.Replication replication() {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/admin/replication", null, Map.of(),
                Health.Replication.class, 200);
    }

    /** What the caller is charged for, what it occupies, and its storage limit. */
    public Quotas.Usage usage() {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/usage", null, Map.of(), Quotas.Usage.class, 200);
    }

    /** One page of every user's usage (admins); {@code cursor} from the previous page, null for the first. */
    public Quotas.UsagePage adminUsage(String cursor, Integer limit) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("cursor", cursor);
        query.put("limit", limit);
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/admin/usage" + ServiceHttp.query(query), null,
                Map.of(), Quotas.UsagePage.class, 200);
    }

    /** One user's usage (admins). */
    public Quotas.Usage adminUsage(String userId) {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/admin/usage" + ServiceHttp.encodePath(userId), null,
                Map.of(), Quotas.Usage.class, 200);
    }

    /**
     * Sets a user's storage limit (admins): {@code limitBytes} bytes ({@code 0}: no limit), or
     * {@code null} to clear it so that the service's default applies. Answers the user's usage.
     */
    public Quotas.Usage setQuota(String userId, Long limitBytes) {
        return http.call(HttpMethod.PUT, metadataUrl + "/api/v1/admin/usage" + ServiceHttp.encodePath(userId),
                new Quotas.LimitChange(limitBytes), Map.of(), Quotas.Usage.class, 200);
    }

    /** The caller's user record at the tracker (404 while unregistered). */
    public Access.User me() {
        return http.call(HttpMethod.GET, tracker("/api/v1/users/me"), null, Map.of(), Access.User.class, 200);
    }

    /** The storage nodes the tracker knows ({@code state}: null for all, or UP, DOWN, DRAINING…). */
    public JsonNode nodes(String state) {
        return http.call(HttpMethod.GET, tracker("/api/v1/nodes" + ServiceHttp.query(
                state == null ? Map.of() : Map.of("state", state))), null, Map.of(), JsonNode.class, 200);
    }

    /** Starts draining a node (admins): its chunks move elsewhere, then it is removed. */
    public JsonNode drain(String nodeId) {
        return http.call(HttpMethod.DELETE, tracker("/api/v1/nodes/" + ServiceHttp.encodePath(nodeId).substring(1)),
                null, Map.of(), JsonNode.class, 200, 202);
    }

    /**
     * Quarantines a node (admins): nothing counts on its copies, its chunks are copied elsewhere at
     * once, it gets no new ones, until {@link #releaseNode}.
     */
    public JsonNode quarantine(String nodeId, String reason) {
        return http.call(HttpMethod.PUT, tracker("/api/v1/nodes/" + ServiceHttp.encodePath(nodeId).substring(1)
                + "/quarantine"), Map.of("reason", reason), Map.of(), JsonNode.class, 200);
    }

    /** Ends a node's quarantine (admins): it is DOWN until its next heartbeat. */
    public JsonNode releaseNode(String nodeId) {
        return http.call(HttpMethod.DELETE, tracker("/api/v1/nodes/" + ServiceHttp.encodePath(nodeId).substring(1)
                + "/quarantine"), null, Map.of(), JsonNode.class, 200);
    }

    /** A search of the audit log; {@code filters}: q, actor, action, path, outcome, from, to, limit, cursor. */
    public JsonNode auditSearch(Map<String, String> filters) {
        return http.call(HttpMethod.GET, audit("/api/v1/audit" + ServiceHttp.query(filters)), null, Map.of(),
                JsonNode.class, 200);
    }

    /** The audit service recomputes the whole log and answers what it verified. */
    public JsonNode auditVerify() {
        return http.call(HttpMethod.GET, audit("/api/v1/audit/verify"), null, Map.of(), JsonNode.class, 200, 409);
    }

    /** The newest signed tree head of the audit log. */
    public JsonNode treeHead() {
        return http.call(HttpMethod.GET, audit("/api/v1/audit/tree-head"), null, Map.of(), JsonNode.class, 200);
    }

    /** The inclusion proof of event {@code eventId} in the tree of {@code treeSize} entries (null: the latest head). */
    public JsonNode inclusionProof(String eventId, Long treeSize) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("eventId", eventId);
        query.put("treeSize", treeSize);
        return http.call(HttpMethod.GET, audit("/api/v1/audit/proofs/inclusion" + ServiceHttp.query(query)), null,
                Map.of(), JsonNode.class, 200);
    }

    /** The audit log's public signing keys. */
    public JsonNode auditSigningKeys() {
        return http.call(HttpMethod.GET, audit("/api/v1/audit/signing-keys"), null, Map.of(), JsonNode.class, 200);
    }

    public List<NamespaceApi.VersionInfo> versions(String path) {
        return http.call(HttpMethod.GET, metadataUrl + "/api/v1/versions" + ServiceHttp.encodePath(path), null,
                Map.of(), new TypeReference<List<NamespaceApi.VersionInfo>>() {
                }, 200);
    }

    /** Registers the caller at the tracker under its login (or {@code userId}); true if it was new. */
    public boolean register(String userId) {
        if (trackerUrl == null) {
            throw new IllegalStateException("no tracker URL configured");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (userId != null) {
            body.put("userId", userId);
        }
        try {
            http.call(HttpMethod.POST, trackerUrl + "/api/v1/users", body, Map.of(), (Class<?>) null, 201);
            return true;
        } catch (P2pfsException e) {
            if (e.status() == 409) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        http.close();
        Engine started;
        synchronized (this) {
            started = engine;
        }
        if (started == null) {
            return;
        }
        started.cpu().shutdownNow();
        started.calls().shutdownNow();
        started.transport().close();
        if (started.ownsVertx()) {
            try {
                // Waited for, so that the event-loop threads are gone when the caller exits.
                started.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // closing is best effort: nothing is left to lose at this point
            }
        }
    }

    private String tracker(String pathAndQuery) {
        if (trackerUrl == null) {
            throw new IllegalStateException("no tracker URL configured");
        }
        return trackerUrl + pathAndQuery;
    }

    private String audit(String pathAndQuery) {
        if (auditUrl == null) {
            throw new IllegalStateException("no audit URL configured");
        }
        return auditUrl + pathAndQuery;
    }

    private static Map<String, String> lockHeader(Set<String> lockTokens) {
        return lockTokens == null || lockTokens.isEmpty() ? Map.of()
                : Map.of("Lock-Token", String.join(", ", lockTokens));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

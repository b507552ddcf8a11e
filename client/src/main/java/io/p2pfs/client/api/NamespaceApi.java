package io.p2pfs.client.api;

import java.time.Instant;
import java.util.List;

/**
 * Request and response bodies of the namespace endpoints: {@code /api/v1/stat}, {@code /stats}, {@code /list},
 * {@code /dirs}, {@code /versions}, {@code /moves}, {@code /shared}. {@code sha256} is present
 * only for callers who may download the content.
 */
public final class NamespaceApi {

    private NamespaceApi() {
    }

    public record Stat(String path, String type, Long size, Integer version, String owner, Instant createdAt,
            Instant modifiedAt, Integer chunkCount, String sha256, String etag, ReplicaHealth replicas) {
    }

    /**
     * {@code POST /api/v1/stats}: the stats of up to {@link #MAX_STATS} paths in one call, each
     * answered as {@code GET /stat} would answer it alone ({@code replicas} likewise).
     */
    public record StatQuery(List<String> paths, Boolean replicas) {
    }

    /** The most paths one {@code POST /stats} takes. */
    public static final int MAX_STATS = 1000;

    /** The answer to a {@link StatQuery}: one result per path asked, in the order asked. */
    public record Stats(List<StatResult> results) {
    }

    /**
     * One path's answer: its {@code stat}, or the {@code problem} its own {@code GET /stat} would
     * have answered (a missing or hidden name is 404, a malformed path 400), never both.
     */
    public record StatResult(String path, Stat stat, Problem problem) {
    }

    /** The members of a problem+json answer that a batched result carries. */
    public record Problem(int status, String title, String detail) {
    }

    public record ReplicaHealth(int chunks, int fullyReplicated, int underReplicated, int unavailable,
            int replicationFactor) {
    }

    public record Listing(String path, List<ListEntry> entries, String nextCursor) {
    }

    /** {@code size}: bytes of the current version of a file; {@code null} for a directory. */
    public record ListEntry(String name, String type, Integer version, String owner, Instant modifiedAt,
            Long size) {
    }

    public record VersionInfo(int version, long size, String sha256, String createdBy, Instant createdAt,
            int chunkCount, boolean current) {
    }

    public record Created(String path, List<String> created) {
    }

    /** {@code POST /moves}: move or rename the file or directory at {@code from} to {@code to}. */
    public record Move(String from, String to) {
    }

    /** What a move answers: {@code type} is {@code FILE} or {@code DIRECTORY}. */
    public record Moved(String from, String to, String type) {
    }

    /**
     * An entry whose own ACL grants the caller something through {@code principal}
     * ({@code user:<id>}, {@code group:<name>} or {@code authenticated}), with what that grant holds.
     */
    public record SharedEntry(String path, String type, String owner, List<String> permissions, String principal) {
    }

    /** One page of {@code GET /shared}, sorted by path; {@code nextCursor} is null on the last page. */
    public record SharedPage(List<SharedEntry> entries, String nextCursor) {
    }
}

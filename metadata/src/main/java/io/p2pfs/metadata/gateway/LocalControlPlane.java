package io.p2pfs.metadata.gateway;

import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.ControlPlane;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.Db;
import io.p2pfs.metadata.downloads.ManifestService;
import io.p2pfs.metadata.replicas.ReplicaChecks;
import io.p2pfs.metadata.uploads.InlineUploads;
import io.p2pfs.metadata.uploads.UploadCommit;
import io.p2pfs.metadata.uploads.UploadConditions;
import io.p2pfs.metadata.uploads.UploadSessions;
import java.util.Set;
import java.util.UUID;

/**
 * The control plane in-process, for one caller: what a direct client asks over REST, the gateway
 * asks the same services here, with the same checks, sessions, receipts and events. Calls block
 * the pipeline thread that makes them (never an event loop) and fail with the services' own
 * problem exceptions.
 */
final class LocalControlPlane implements ControlPlane {

    private final UploadSessions sessions;
    private final UploadCommit commits;
    private final ManifestService manifests;
    private final ReplicaChecks checks;
    private final InlineUploads inline;
    private final Caller caller;

    LocalControlPlane(UploadSessions sessions, UploadCommit commits, InlineUploads inline, ManifestService manifests,
            ReplicaChecks checks, Caller caller) {
        this.inline = inline;
        this.sessions = sessions;
        this.commits = commits;
        this.manifests = manifests;
        this.checks = checks;
        this.caller = caller;
    }

    @Override
    public Uploads.Session begin(Uploads.Begin begin, Set<String> lockTokens) {
        UploadConditions conditions = new UploadConditions(begin.ifMatch(), Boolean.TRUE.equals(begin.createOnly()));
        return Db.await(() -> sessions.begin(FsPath.parse(begin.path()), conditions, caller, lockTokens));
    }

    /** Content small enough is kept inline, in one transaction; anything larger runs the pipeline (null). */
    @Override
    public Uploads.Result small(String path, byte[] content, String ifMatch, boolean createOnly,
            Set<String> lockTokens) {
        if (content.length > inline.maxSize()) {
            return null;
        }
        return Db.await(() -> inline.write(FsPath.parse(path), content, new UploadConditions(ifMatch, createOnly),
                caller, lockTokens));
    }

    @Override
    public Uploads.Placements place(UUID uploadId, Uploads.PlacementRequest request) {
        return Db.await(() -> sessions.place(uploadId, request, caller));
    }

    @Override
    public Uploads.Result commit(UUID uploadId, Uploads.Commit commit, Set<String> lockTokens) {
        return Db.await(() -> commits.commit(uploadId, commit, caller, lockTokens));
    }

    @Override
    public void abort(UUID uploadId) {
        Db.await(() -> sessions.abort(uploadId, caller));
    }

    @Override
    public Downloads.ManifestPage manifest(String path, Integer version, long offset, Long length) {
        return Db.await(() -> manifests.page(FsPath.parse(path), version, offset, length, caller));
    }

    @Override
    public void report(Downloads.ReplicaReport report) {
        checks.report(report.chunkId(), UUID.fromString(report.nodeId()), report.reason(), caller.id());
    }
}

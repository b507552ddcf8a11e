package io.p2pfs.metadata.uploads;

import io.p2pfs.client.api.Uploads;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.namespace.Manifest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Small files kept inline: the content is sealed into the version's manifest and the whole
 * upload is one read of what it rests on and one transaction (the same commit as a chunked
 * upload's: row lock, WRITE and locks re-checked, conflict strategy, retention, usage, events),
 * with no session row, no placement and no peer. A file of up to {@code p2pfs.uploads.inline-max-size}
 * bytes is written this way by the gateway, whichever client sent it.
 */
@ApplicationScoped
public class InlineUploads {

    private final UploadSessions sessions;
    private final VersionCommit versions;
    private final UploadsConfig.Sessions config;

    public InlineUploads(UploadSessions sessions, VersionCommit versions, UploadsConfig.Sessions config) {
        this.sessions = sessions;
        this.versions = versions;
        this.config = config;
    }

    /** The largest content kept inline (0: none is). */
    public int maxSize() {
        return (int) Math.min(Integer.MAX_VALUE, config.inlineMaxSize().asLongValue());
    }

    public Uni<Uploads.Result> write(FsPath path, byte[] content, UploadConditions conditions, Caller caller,
            Set<String> lockTokens) {
        if (content.length > maxSize()) {
            throw new IllegalArgumentException("content of " + content.length + " bytes is above the inline limit");
        }
        String sha256 = sha256(content);
        return sessions.inline(path, conditions, caller, lockTokens).flatMap(session -> {
            VersionCommit.Prepared prepared = new VersionCommit.Prepared(session.uploadId, path, caller, lockTokens,
                    Manifest.inline(content), sha256, List.of(), List.of());
            return versions.commitInline(session, prepared)
                    .onFailure(VersionCommit.CommitConflict.class).call(conflict -> versions.recordConflict(
                            session.uploadId, path, caller, (VersionCommit.CommitConflict) conflict));
        });
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.p2pfs.audit.log;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The transparency log: its key, its name and where its signed tree heads go ({@code P2PFS_AUDIT_LOG_*}). */
@ConfigMapping(prefix = "p2pfs.audit.log")
public interface LogConfig {

    /**
     * The log key: at least 32 random bytes, base64. Tree heads are signed with an Ed25519 key
     * derived from it, and the tree state is sealed with an HMAC key derived from it. It must
     * not be stored where the audit database is: whoever holds it can sign a rewritten history.
     */
    String signingKey();

    /** The id published with each head; default: the first 16 hex digits of SHA-256(public key). */
    Optional<String> keyId();

    /**
     * Public keys of earlier log keys, as {@code id:base64} pairs separated by commas, so heads
     * signed before a rotation still verify.
     */
    Optional<String> trustedKeys();

    /** The log's name, part of every signed head so heads of different logs cannot be swapped. */
    @WithDefault("p2pfs-audit")
    String origin();

    /** How often a new head is signed when the log has grown. */
    @WithDefault("10s")
    Duration headInterval();

    /** A head is signed at least this often even when nothing was appended (a liveness proof). */
    @WithDefault("1h")
    Duration headMaxAge();

    /**
     * A directory, ideally on storage the database's operators cannot rewrite, where each head
     * is appended to {@code tree-heads.ndjson} and written to {@code latest.json}; and the log's
     * public key to {@code signing-key.pub}. Unset: heads go to Kafka and the database only.
     */
    Optional<Path> headsDirectory();
}

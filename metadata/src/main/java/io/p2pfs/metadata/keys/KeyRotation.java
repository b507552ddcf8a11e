package io.p2pfs.metadata.keys;

import io.p2pfs.metadata.crypto.SealedBox;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.namespace.NameCodec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves everything sealed under older master keys to the active one, while the service keeps
 * serving: rows are taken in small batches with {@code FOR UPDATE SKIP LOCKED}, each batch in
 * its own transaction, so a concurrent upload or rename waits at most for one batch and several
 * replicas may run it at once. Names get their new lookup key in the same update. Once
 * {@link #status()} shows no row under an old key id, that key can be removed from
 * configuration. Chunk contents are not touched: each chunk's key lives in the manifest, which
 * is re-sealed. Open upload sessions keep the key id they began under (their writer's
 * convergence key derives from it) and are not re-sealed; {@code openUploadsByKeyId} counts them, and
 * an old key should stay configured until they have ended or expired.
 */
@ApplicationScoped
public class KeyRotation {

    private static final int BATCH = 200;
    private static final byte[] SIGNING_AAD = "chunk-token-signing-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * {@code rowsByKeyId}: what a re-encryption moves, per key id and table;
     * {@code openUploadsByKeyId}: open upload sessions, which keep their key id until they end.
     */
    public record Status(String activeKeyId, List<String> configuredKeyIds, Map<String, Map<String, Long>> rowsByKeyId,
            Map<String, Long> openUploadsByKeyId) {
    }

    public record Result(long entries, long versions, long signingKeys, Status status) {
    }

    private final KeyRing keys;
    private final NameCodec names;
    private final Outbox outbox;

    public KeyRotation(KeyRing keys, NameCodec names, Outbox outbox) {
        this.keys = keys;
        this.names = names;
        this.outbox = outbox;
    }

    /** How many rows each key id seals, per table. */
    public Uni<Status> status() {
        return Panache.withSession(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT 'entries', key_id, count(*) FROM entries WHERE key_id <> 'none' GROUP BY key_id "
                        + "UNION ALL SELECT 'versions', key_id, count(*) FROM versions GROUP BY key_id "
                        + "UNION ALL SELECT 'signingKeys', key_id, count(*) FROM signing_keys GROUP BY key_id "
                        + "UNION ALL SELECT 'openUploads', key_id, count(*) FROM upload_sessions "
                        + "WHERE state = 'OPEN' AND expires_at > now() GROUP BY key_id",
                Object[].class).getResultList()))
                .map(rows -> {
                    Map<String, Map<String, Long>> byKey = new LinkedHashMap<>();
                    Map<String, Long> openUploads = new LinkedHashMap<>();
                    for (Object[] row : rows) {
                        long count = ((Number) row[2]).longValue();
                        if ("openUploads".equals(row[0])) {
                            openUploads.put((String) row[1], count);
                        } else {
                            byKey.computeIfAbsent((String) row[1], k -> new LinkedHashMap<>()).put((String) row[0],
                                    count);
                        }
                    }
                    return new Status(keys.keyId(), List.copyOf(keys.keyIds()), byKey, openUploads);
                });
    }

    /** Re-seals every row under an older key; records {@code keys.reencrypted} when done. */
    public Uni<Result> reencrypt(String actor) {
        return drain(this::entriesBatch, 0).flatMap(entries -> drain(this::versionsBatch, 0)
                .flatMap(versions -> drain(this::signingKeysBatch, 0).flatMap(signing -> status()
                        .flatMap(status -> Panache.withTransaction(() -> outbox.record(Topics.ACLS, "keys",
                                EventTypes.KEYS_REENCRYPTED, "keys", AuditData.success(actor,
                                        EventTypes.KEYS_REENCRYPTED, "keys", Map.of("activeKeyId", keys.keyId(),
                                                "entries", entries, "versions", versions,
                                                "signingKeys", signing))))
                                .replaceWith(new Result(entries, versions, signing, status))))));
    }

    private Uni<Long> drain(java.util.function.Supplier<Uni<Integer>> batch, long done) {
        return batch.get().flatMap(moved -> moved == 0 ? Uni.createFrom().item(done) : drain(batch, done + moved));
    }

    private Uni<Integer> entriesBatch() {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT entry_id, parent_id, name_sealed, key_id FROM entries WHERE key_id <> :k AND key_id <> 'none' "
                        + "ORDER BY entry_id LIMIT :n FOR UPDATE SKIP LOCKED", Object[].class)
                .setParameter("k", keys.keyId()).setParameter("n", BATCH).getResultList()
                .flatMap(rows -> io.p2pfs.common.reactive.Sequence.forEach(rows, row -> {
                    long entryId = ((Number) row[0]).longValue();
                    long parentId = ((Number) row[1]).longValue();
                    String name = names.open(parentId, (byte[]) row[2], (String) row[3]);
                    return session.createNativeQuery("UPDATE entries SET name_sealed = :s, name_hmac = :h, key_id = :k "
                            + "WHERE entry_id = :e").setParameter("s", names.seal(parentId, name))
                            .setParameter("h", names.index(parentId, name)).setParameter("k", keys.keyId())
                            .setParameter("e", entryId).executeUpdate();
                }).replaceWith(rows.size()))));
    }

    private Uni<Integer> versionsBatch() {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT entry_id, version, manifest_sealed, key_id FROM versions WHERE key_id <> :k "
                        + "ORDER BY entry_id, version LIMIT :n FOR UPDATE SKIP LOCKED", Object[].class)
                .setParameter("k", keys.keyId()).setParameter("n", BATCH).getResultList()
                .flatMap(rows -> io.p2pfs.common.reactive.Sequence.forEach(rows, row -> {
                    long entryId = ((Number) row[0]).longValue();
                    int version = ((Number) row[1]).intValue();
                    Manifest manifest = Manifest.open(keys, (String) row[3], (byte[]) row[2], entryId, version);
                    return session.createNativeQuery("UPDATE versions SET manifest_sealed = :m, key_id = :k "
                            + "WHERE entry_id = :e AND version = :v")
                            .setParameter("m", manifest.seal(keys, entryId, version)).setParameter("k", keys.keyId())
                            .setParameter("e", entryId).setParameter("v", version).executeUpdate();
                }).replaceWith(rows.size()))));
    }

    private Uni<Integer> signingKeysBatch() {
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> session.createNativeQuery(
                "SELECT kid, private_sealed, key_id FROM signing_keys WHERE key_id <> :k "
                        + "ORDER BY kid LIMIT :n FOR UPDATE SKIP LOCKED", Object[].class)
                .setParameter("k", keys.keyId()).setParameter("n", BATCH).getResultList()
                .flatMap(rows -> io.p2pfs.common.reactive.Sequence.forEach(rows, row -> {
                    byte[] der = SealedBox.open(keys.signingKeys((String) row[2]), (byte[]) row[1], SIGNING_AAD);
                    byte[] resealed = SealedBox.seal(keys.signingKeys(), der, SIGNING_AAD);
                    java.util.Arrays.fill(der, (byte) 0);
                    return session.createNativeQuery("UPDATE signing_keys SET private_sealed = :p, key_id = :k "
                            + "WHERE kid = :kid").setParameter("p", resealed).setParameter("k", keys.keyId())
                            .setParameter("kid", row[0]).executeUpdate();
                }).replaceWith(rows.size()))));
    }
}

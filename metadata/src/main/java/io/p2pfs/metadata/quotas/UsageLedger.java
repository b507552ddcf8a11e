package io.p2pfs.metadata.quotas;

import io.p2pfs.common.problem.InsufficientStorage;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.reactive.Sequence;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The usage rows ({@code user_usage}), changed only inside the caller's transaction: a commit is
 * admitted and charged, and whatever lets versions go releases their bytes, each with the row
 * locked, so the row always equals the sizes of the versions its user owns and two commits of
 * one user never both pass the limit. Every version is charged to the owner of its file.
 *
 * <p>Lock order: a transaction locks the entries it changes first and usage rows last (several
 * in user-id order), so usage never takes part in a deadlock.
 */
@ApplicationScoped
public class UsageLedger {

    private final QuotasConfig config;
    private final QuotaDenials denials;

    public UsageLedger(QuotasConfig config, QuotaDenials denials) {
        this.config = config;
        this.denials = denials;
    }

    /**
     * A new version to charge.
     *
     * @param owner         the owner of the file that gets it (who is charged)
     * @param addedBytes    its size
     * @param releasedBytes what the same transaction already released for this owner (versions
     *                      retention pruned with it): the commit is judged by its net effect
     * @param actor         who commits it (named in the refusal's event)
     * @param path          where it goes
     */
    public record Charge(String owner, long addedBytes, long releasedBytes, String actor, String path) {
    }

    /**
     * Charges the new version's bytes to the owner's row in one statement (creating the row, or
     * locking it until the transaction ends), then refuses with 507 a commit that took the usage
     * past the limit: throwing rolls the caller's transaction back, the charge with it. Call it
     * last before the commit, so the row is held for as short a time as possible.
     */
    public Uni<Void> admit(Charge charge) {
        return Panache.getSession().flatMap(db -> db.createNativeQuery("INSERT INTO user_usage (user_id, used_bytes) "
                + "VALUES (:u, :b) ON CONFLICT (user_id) DO UPDATE SET used_bytes = user_usage.used_bytes "
                + "+ EXCLUDED.used_bytes, updated_at = now() RETURNING used_bytes, limit_bytes", Object[].class)
                .setParameter("u", charge.owner()).setParameter("b", charge.addedBytes()).getSingleResult()
                .map(row -> {
                    long used = ((Number) row[0]).longValue() - charge.addedBytes();
                    Long override = row[1] == null ? null : ((Number) row[1]).longValue();
                    long limit = QuotaRule.effectiveLimit(override, config.defaultBytes().asLongValue());
                    long before = used + charge.releasedBytes();
                    if (!QuotaRule.admits(before, charge.addedBytes(), charge.releasedBytes(), limit)) {
                        denials.exceeded(charge, before, limit);
                        throw refusal(charge, before, limit);
                    }
                    return null;
                }));
    }

    private static ProblemException refusal(Charge charge, long usage, long limit) {
        boolean own = charge.owner().equals(charge.actor());
        String whose = own ? "your" : charge.owner() + "'s";
        return new InsufficientStorage("Storing " + charge.addedBytes() + " more bytes at " + charge.path()
                + " would take " + whose + " usage of " + usage + " bytes past the limit of " + limit
                + " bytes; nothing was committed. Delete files or old versions" + (own ? "" : " (the owner can)")
                + ", or ask an administrator for a higher limit.")
                .with("usage", usage).with("limit", limit).with("requested", charge.addedBytes())
                .with("userId", charge.owner());
    }

    /** Releases the bytes of versions of one file (retention let them go), charged to its owner. */
    public Uni<Void> releaseVersions(long entryId, long bytes) {
        if (bytes == 0) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().flatMap(db -> db.createNativeQuery("UPDATE user_usage u SET used_bytes = "
                + "u.used_bytes - :b, updated_at = now() FROM entries e WHERE e.entry_id = :e AND u.user_id = e.owner_id")
                .setParameter("b", bytes).setParameter("e", entryId).executeUpdate()
                .invoke(n -> missing(n, "entry " + entryId))).replaceWithVoid();
    }

    /**
     * Releases every version of the given entries (files and directories about to be deleted),
     * each owner's bytes from that owner's row. Call it before the delete: it locks the entries
     * (a no-op where the caller locked them already), so no commit adds a version it would miss.
     */
    public Uni<Void> releaseEntries(Collection<Long> entryIds) {
        if (entryIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String ids = entryIds.stream().map(String::valueOf).collect(Collectors.joining(","));
        return Panache.getSession().flatMap(db -> db.createNativeQuery("SELECT entry_id FROM entries "
                + "WHERE entry_id = ANY(CAST(string_to_array(:ids, ',') AS bigint[])) ORDER BY entry_id FOR UPDATE",
                Long.class).setParameter("ids", ids).getResultList()
                .flatMap(locked -> db.createNativeQuery("SELECT e.owner_id, sum(v.size) FROM entries e "
                        + "JOIN versions v ON v.entry_id = e.entry_id "
                        + "WHERE e.entry_id = ANY(CAST(string_to_array(:ids, ',') AS bigint[])) "
                        + "GROUP BY e.owner_id ORDER BY e.owner_id", Object[].class)
                        .setParameter("ids", ids).getResultList())
                .flatMap(owners -> release(owners)));
    }

    /** Owner by owner, in user-id order (the rows' lock order). */
    private Uni<Void> release(List<Object[]> owners) {
        return Panache.getSession().flatMap(db -> Sequence.forEach(owners, owner -> db.createNativeQuery(
                "UPDATE user_usage SET used_bytes = used_bytes - :b, updated_at = now() WHERE user_id = :u")
                .setParameter("b", ((Number) owner[1]).longValue()).setParameter("u", (String) owner[0])
                .executeUpdate().invoke(n -> missing(n, "user " + owner[0])))).replaceWithVoid();
    }

    /** Every owner of a version has a row (the migration made them, commits make them), so none can be missing. */
    private static void missing(int updated, String what) {
        if (updated == 0) {
            Log.warnf("No usage row to release the versions of %s from", what);
        }
    }
}

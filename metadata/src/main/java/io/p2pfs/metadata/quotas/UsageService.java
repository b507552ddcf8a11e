package io.p2pfs.metadata.quotas;

import io.p2pfs.client.api.Quotas;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.metadata.core.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage as users and administrators read it, and the limits administrators set. The logical
 * bytes come from the usage row (exact: the ledger keeps it); files, versions and the physical
 * bytes are counted from the namespace when asked (a user's chunks are found through the
 * entries the user owns).
 */
@ApplicationScoped
public class UsageService {

    /** The figures of each user of a {@code page} CTE that names them ({@code user_id}). */
    private static final String FIGURES = "SELECT p.user_id, coalesce(u.used_bytes, 0), u.limit_bytes, "
            + "CAST(EXTRACT(EPOCH FROM u.updated_at) * 1000000 AS bigint), "
            + "(SELECT count(*) FROM entries e WHERE e.owner_id = p.user_id AND e.kind = 'FILE' "
            + "AND e.current_version IS NOT NULL), "
            + "(SELECT count(*) FROM versions v JOIN entries e ON e.entry_id = v.entry_id WHERE e.owner_id = p.user_id), "
            + "chunks.cipher, chunks.replicated "
            + "FROM page p LEFT JOIN user_usage u ON u.user_id = p.user_id "
            + "LEFT JOIN LATERAL (SELECT coalesce(sum(c.cipher_size), 0) AS cipher, "
            + "coalesce(sum(CAST(c.cipher_size AS bigint) * c.replication_factor), 0) AS replicated FROM chunks c "
            + "WHERE c.chunk_id IN (SELECT vc.chunk_id FROM version_chunks vc JOIN entries e "
            + "ON e.entry_id = vc.entry_id WHERE e.owner_id = p.user_id)) chunks ON true "
            + "ORDER BY p.user_id";

    private final QuotasConfig config;
    private final Outbox outbox;

    public UsageService(QuotasConfig config, Outbox outbox) {
        this.config = config;
        this.outbox = outbox;
    }

    /** The caller's own usage. */
    @WithSession
    public Uni<Quotas.Usage> own(Caller caller) {
        return one(caller.id());
    }

    /** One registered user's usage (admins); 404 for a user id nobody registered. */
    @WithSession
    public Uni<Quotas.Usage> of(String userId) {
        return requireRegistered(userId).flatMap(v -> one(userId));
    }

    /** A page of every registered user's usage by user id (admins). */
    @WithSession
    public Uni<Quotas.UsagePage> all(String cursor, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequest("limit must be between 1 and 1000.");
        }
        String after = decode(cursor);
        return Panache.getSession().flatMap(db -> db.createNativeQuery("WITH page AS (SELECT user_id FROM "
                + "registered_users WHERE user_id > :after ORDER BY user_id LIMIT :n) " + FIGURES, Object[].class)
                .setParameter("after", after).setParameter("n", limit + 1).getResultList())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<Quotas.Usage> users = new ArrayList<>();
                    for (Object[] row : more ? rows.subList(0, limit) : rows) {
                        users.add(usage(row));
                    }
                    String next = more ? encode(users.get(users.size() - 1).userId()) : null;
                    return new Quotas.UsagePage(users, next);
                });
    }

    /**
     * Sets ({@code limitBytes} >= 0, {@code 0}: no limit) or clears ({@code null}) a user's own
     * limit, with the row locked as commits lock it, so it applies from the next commit on;
     * {@code quota.changed} on {@code p2pfs.acls} commits with it.
     */
    @WithTransaction
    public Uni<Quotas.Usage> setLimit(String userId, Long limitBytes, Caller admin) {
        if (limitBytes != null && limitBytes < 0) {
            throw new BadRequest("limitBytes must be 0 (no limit) or more, or null to apply the default.");
        }
        return requireRegistered(userId).flatMap(v -> Panache.getSession()).flatMap(db -> db.createNativeQuery(
                "INSERT INTO user_usage (user_id) VALUES (:u) ON CONFLICT DO NOTHING").setParameter("u", userId)
                .executeUpdate()
                .flatMap(n -> db.createNativeQuery("SELECT limit_bytes FROM user_usage WHERE user_id = :u FOR UPDATE",
                        Long.class).setParameter("u", userId).getResultList())
                .flatMap(before -> (limitBytes == null
                        ? db.createNativeQuery("UPDATE user_usage SET limit_bytes = NULL, updated_at = now() "
                                + "WHERE user_id = :u")
                        : db.createNativeQuery("UPDATE user_usage SET limit_bytes = :l, updated_at = now() "
                                + "WHERE user_id = :u").setParameter("l", limitBytes))
                        .setParameter("u", userId).executeUpdate()
                        .flatMap(n -> {
                            Map<String, Object> details = new LinkedHashMap<>();
                            details.put("userId", userId);
                            details.put("before", before.isEmpty() ? null : before.get(0));
                            details.put("after", limitBytes);
                            details.put("defaultBytes", config.defaultBytes().asLongValue());
                            return outbox.record(Topics.ACLS, userId, EventTypes.QUOTA_CHANGED, "user:" + userId,
                                    AuditData.success(admin.id(), EventTypes.QUOTA_CHANGED, "user:" + userId,
                                            details).by(admin.subject()));
                        })))
                .flatMap(event -> one(userId));
    }

    private Uni<Void> requireRegistered(String userId) {
        return Panache.getSession().flatMap(db -> db.createNativeQuery("SELECT count(*) FROM registered_users "
                + "WHERE user_id = :u", Long.class).setParameter("u", userId).getSingleResult())
                .map(count -> {
                    if (count == 0) {
                        throw new NotFound("No registered user " + userId + ".");
                    }
                    return null;
                });
    }

    private Uni<Quotas.Usage> one(String userId) {
        return Panache.getSession().flatMap(db -> db.createNativeQuery("WITH page AS (SELECT CAST(:u AS text) AS "
                + "user_id) " + FIGURES, Object[].class).setParameter("u", userId).getSingleResult())
                .map(this::usage);
    }

    private Quotas.Usage usage(Object[] row) {
        long used = ((Number) row[1]).longValue();
        Long override = row[2] == null ? null : ((Number) row[2]).longValue();
        long limit = QuotaRule.effectiveLimit(override, config.defaultBytes().asLongValue());
        return new Quotas.Usage((String) row[0], used, ((Number) row[6]).longValue(), ((Number) row[7]).longValue(),
                limit == 0 ? null : limit, override != null ? "user" : "default", QuotaRule.available(used, limit),
                ((Number) row[4]).longValue(), ((Number) row[5]).longValue(), instant(row[3]));
    }

    /** Microseconds since the epoch, as the query gives them (PostgreSQL's precision). */
    private static Instant instant(Object micros) {
        return micros == null ? null : Instant.EPOCH.plusNanos(((Number) micros).longValue() * 1000);
    }

    private static String encode(String userId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(userId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return "";
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("cursor is not one this service issued.");
        }
    }
}

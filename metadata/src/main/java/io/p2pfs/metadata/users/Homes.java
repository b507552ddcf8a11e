package io.p2pfs.metadata.users;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.core.PathKeys;
import io.p2pfs.metadata.namespace.Namespace;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Every registered user has a home directory {@code /<userId>}, theirs, made when the tracker
 * announces the registration ({@code dir.created}, actor {@value #ACTOR}). Only there, or below,
 * does a user who is no admin create anything: the root holds nothing else of theirs. Idempotent:
 * a home that exists stays as it is (the user may have made it first).
 */
@ApplicationScoped
public class Homes {

    static final String ACTOR = "system:registration";

    private final Namespace namespace;
    private final Outbox outbox;

    public Homes(Namespace namespace, Outbox outbox) {
        this.namespace = namespace;
        this.outbox = outbox;
    }

    /** Makes {@code /<userId>} for its user if it is not there. */
    public Uni<Void> ensure(String userId, String subject) {
        FsPath home;
        try {
            home = FsPath.parse("/" + userId);
        } catch (RuntimeException e) {
            Log.warnf("No home directory for a user id that is no name: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (home.segments().size() != 1) {
            Log.warn("No home directory for a user id with a slash in it");
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> namespace.chain(home).flatMap(chain -> {
            if (chain.size() == 2) {
                var existing = chain.get(1);
                if (!existing.isDir() || !userId.equals(existing.ownerId)) {
                    Log.warnf("The home directory %s of user %s is taken by %s (owned by %s): an admin must move it",
                            home, userId, existing.isDir() ? "a directory" : "a file", existing.ownerId);
                }
                return Uni.createFrom().voidItem();
            }
            return namespace.mkdirs(home, true, userId).flatMap(created -> created.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : outbox.record(Topics.FILES, PathKeys.of(home), EventTypes.DIR_CREATED, home.toString(),
                            AuditData.success(ACTOR, EventTypes.DIR_CREATED, home.toString(),
                                    Map.of("path", home.toString(), "home", true, "owner", userId)).by(subject))
                            .replaceWithVoid());
        }));
    }
}

package io.p2pfs.common.problem;

import io.smallrye.common.vertx.ContextLocals;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The user id a service resolved for the request being served, so that a refusal of it names the
 * same actor its successes do (the user id, not only the login). Kept in the request's own
 * (duplicated) Vert.x context; outside a request there is none.
 */
public final class RequestActor {

    private static final String KEY = "p2pfs.actor";
    private static final String SUBJECT = "p2pfs.actor-subject";

    private RequestActor() {
    }

    /** Remembers {@code userId} (whose token has {@code subject}) as the actor of the current request (no-op outside one). */
    public static void remember(String userId, String subject) {
        Context context = Vertx.currentContext();
        if (context != null && io.smallrye.common.vertx.VertxContext.isDuplicatedContext(context)) {
            ContextLocals.put(KEY, userId);
            if (subject != null) {
                ContextLocals.put(SUBJECT, subject);
            }
        }
    }

    /** The token subject of {@code userId} if it is the current request's actor, else null. */
    public static String subjectOf(String userId) {
        return userId != null && userId.equals(local(KEY)) ? local(SUBJECT) : null;
    }

    /** The user id remembered for the current request, or null. */
    public static String current() {
        return local(KEY);
    }

    private static String local(String key) {
        Context context = Vertx.currentContext();
        if (context == null || !io.smallrye.common.vertx.VertxContext.isDuplicatedContext(context)) {
            return null;
        }
        return ContextLocals.<String>get(key).orElse(null);
    }
}

package io.p2pfs.common.problem;

import io.quarkus.logging.Log;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * Where every denial a service answers goes before its {@link DenialRecorder}: a caller with an
 * identity is recorded one by one; anonymous callers are folded by {@link AnonymousDenials} and
 * their counts recorded once per window ({@code p2pfs.denials.anonymous-window}), so that with
 * the default 64 keys and 5 s one replica writes at most about 26 anonymous records a second
 * however many requests it refuses.
 */
@ApplicationScoped
public class DenialGate {

    @ConfigMapping(prefix = "p2pfs.denials")
    public interface DenialsConfig {

        /** How long anonymous denials of one client, status and reason are counted into one record. */
        @WithDefault("5s")
        Duration anonymousWindow();

        /** Distinct anonymous (client, URL, status, reason) keys tracked per window; the rest are counted together. */
        @WithDefault("64")
        int anonymousKeys();
    }

    private final DenialRecorder recorder;
    private final AnonymousDenials anonymous;
    private final Vertx vertx;
    private final long timer;

    public DenialGate(DenialRecorder recorder, DenialsConfig config, Vertx vertx) {
        this.recorder = recorder;
        this.anonymous = new AnonymousDenials(config.anonymousKeys());
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(Math.max(1, config.anonymousWindow().toMillis()), id -> flush());
    }

    public void denied(DenialRecorder.Denial denial) {
        DenialRecorder.Denial now;
        synchronized (anonymous) {
            now = anonymous.offer(denial);
        }
        if (now != null) {
            recorder.denied(now);
        }
    }

    /**
     * Records a refusal the service answers to {@code request}: who asked (the user id the service
     * resolved, else the token's name; anonymous callers are folded), from where, and the
     * namespace path and permission when known. The exception mappers record every refusal they
     * answer through this; an endpoint that answers several results in one response (a batch
     * whose parts can be refused) records each refused part the same way.
     */
    public void refused(int status, String reason, io.vertx.core.http.HttpServerRequest request,
            io.vertx.ext.web.RoutingContext routing, String path, String permission) {
        String client = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        String actor = null;
        String subject = null;
        if (routing != null && routing.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser user
                && !user.getSecurityIdentity().isAnonymous()) {
            var principal = user.getSecurityIdentity().getPrincipal();
            String resolved = RequestActor.current();
            actor = resolved != null ? resolved : principal.getName();
            if (principal instanceof org.eclipse.microprofile.jwt.JsonWebToken token) {
                subject = token.getSubject();
            }
        }
        denied(new DenialRecorder.Denial(status, reason, actor, request.method().name(), request.path(), client,
                path, permission, 1, subject));
    }

    /** {@link #refused} for a {@link ProblemException} that {@linkplain ProblemException#isDenial is a denial}. */
    public void refused(ProblemException problem, io.vertx.core.http.HttpServerRequest request,
            io.vertx.ext.web.RoutingContext routing) {
        refused(problem.status(), problem.detail(), request, routing, problem.deniedPath(), problem.deniedPermission());
    }

    void flush() {
        List<DenialRecorder.Denial> summaries;
        synchronized (anonymous) {
            summaries = anonymous.drain();
        }
        for (DenialRecorder.Denial summary : summaries) {
            try {
                recorder.denied(summary);
            } catch (RuntimeException e) {
                Log.warnf("%d anonymous denials (status %d) not recorded: %s", summary.count(), summary.status(),
                        e.getMessage());
            }
        }
    }

    @PreDestroy
    void close() {
        vertx.cancelTimer(timer);
        flush();
    }
}

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

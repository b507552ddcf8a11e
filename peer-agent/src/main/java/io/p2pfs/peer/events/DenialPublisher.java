package io.p2pfs.peer.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.problem.DenialRecorder;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes every 401/403 of this peer (a refused chunk token, a missing role) an
 * {@code access.denied} event on {@code p2pfs.access}. The peer has no outbox, so the event
 * goes straight to Kafka from a single background thread with a bounded queue: a refused
 * request never waits for the broker, and a broker outage costs the events of that outage,
 * each logged instead (once the queue is full, counted and logged once per thousand).
 */
@ApplicationScoped
public class DenialPublisher implements DenialRecorder {

    private final ConfirmationPublisher publisher;
    private final ObjectMapper json;
    /** Denials waiting for the broker; beyond this many, new ones are counted and logged, not queued. */
    static final int QUEUE_LIMIT = 1000;

    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_LIMIT), Thread.ofPlatform().name("denial-publisher").daemon().factory());

    public DenialPublisher(ConfirmationPublisher publisher, ObjectMapper json) {
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public void denied(Denial denial) {
        CloudEvent event = CloudEvent.of(ConfirmationPublisher.SOURCE, EventTypes.ACCESS_DENIED, denial.resource(),
                json.valueToTree(denial.auditData()));
        String key = denial.eventKey();
        try {
            sender.execute(() -> {
                try {
                    // The confirmations topic is the one a peer may write; the audit takes its access events.
                    publisher.publish(Topics.CHUNK_CONFIRMATIONS, key, event);
                } catch (RuntimeException e) {
                    Log.warnf("access.denied not published (%s): %s %s status %d", e.getMessage(), denial.method(),
                            denial.resource(), denial.status());
                }
            });
        } catch (RejectedExecutionException full) {
            if (sender.isShutdown()) {
                Log.infof("access denied while stopping: %s %s status %d", denial.method(), denial.resource(),
                        denial.status());
            } else if (dropped.incrementAndGet() % QUEUE_LIMIT == 1) {
                // The broker is slower than the refusals: say so once per thousand, never queue without bound.
                Log.warnf("%d access.denied events not queued since start: the broker is not keeping up",
                        dropped.get());
            }
        }
    }

    @PreDestroy
    void close() {
        sender.shutdown();
    }
}

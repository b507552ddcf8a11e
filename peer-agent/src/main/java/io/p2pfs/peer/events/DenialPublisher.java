package io.p2pfs.peer.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.problem.DenialRecorder;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Makes every 401/403 of this peer (a refused chunk token, a missing role) an
 * {@code access.denied} event on {@code p2pfs.access}. The peer has no outbox, so the event
 * goes straight to Kafka from a single background thread: a refused request never waits for
 * the broker, and a broker outage costs the events of that outage, each logged instead.
 */
@ApplicationScoped
public class DenialPublisher implements DenialRecorder {

    private final ConfirmationPublisher publisher;
    private final ObjectMapper json;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("denial-publisher").daemon().factory());

    public DenialPublisher(ConfirmationPublisher publisher, ObjectMapper json) {
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public void denied(Denial denial) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", denial.status());
        details.put("method", denial.method());
        AuditData data = new AuditData(denial.actor(), EventTypes.ACCESS_DENIED, denial.resource(),
                AuditData.Outcome.DENIED, denial.reason(), denial.clientAddress(), null, details);
        CloudEvent event = CloudEvent.of(ConfirmationPublisher.SOURCE, EventTypes.ACCESS_DENIED, denial.resource(),
                json.valueToTree(data));
        String key = denial.actor() != null ? denial.actor() : "anonymous@" + denial.clientAddress();
        try {
            sender.execute(() -> {
                try {
                    publisher.publish(Topics.ACCESS, key, event);
                } catch (RuntimeException e) {
                    Log.warnf("access.denied not published (%s): %s %s status %d", e.getMessage(), denial.method(),
                            denial.resource(), denial.status());
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            Log.infof("access denied while stopping: %s %s status %d", denial.method(), denial.resource(),
                    denial.status());
        }
    }

    @PreDestroy
    void close() {
        sender.shutdown();
    }
}

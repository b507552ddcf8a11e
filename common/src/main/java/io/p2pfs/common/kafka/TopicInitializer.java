package io.p2pfs.common.kafka;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the system's topics at start-up when they are missing, in the background
 * and retrying until the broker answers, so a service starts even while Kafka is still coming
 * up. Idempotent across services and replicas.
 */
@ApplicationScoped
public class TopicInitializer {

    private final KafkaClients clients;
    private volatile boolean running;
    private volatile boolean done;

    public TopicInitializer(KafkaClients clients) {
        this.clients = clients;
    }

    void start(@Observes StartupEvent startup) {
        if (!clients.settings().createTopics()) {
            done = true;
            return;
        }
        running = true;
        Thread.ofPlatform().name("topic-initializer").daemon().start(this::createUntilDone);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
    }

    /** True once every topic exists (or creation is disabled). */
    public boolean done() {
        return done;
    }

    private void createUntilDone() {
        long pause = 500;
        while (running && !done) {
            try {
                createMissing();
                done = true;
            } catch (Exception e) {
                Log.debugf("Topics not created yet: %s", e.getMessage());
                sleep(pause);
                pause = Math.min(pause * 2, 5_000);
            }
        }
    }

    private void createMissing() throws Exception {
        KafkaSettings settings = clients.settings();
        try (Admin admin = Admin.create(clients.admin())) {
            List<String> created = new KafkaProvisioning(admin).createTopics(settings.partitions(),
                    settings.placementPartitions(), settings.replicationFactor());
            created.forEach(topic -> Log.infof("Created topic %s", topic));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

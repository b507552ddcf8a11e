package io.p2pfs.metadata;

import io.p2pfs.testing.ServiceProcess;
import io.p2pfs.testing.TestTracker;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The packaged metadata service as a child process (256 MiB heap) on the database, broker,
 * tracker and token key of the service under test, so that both serve the same namespace.
 */
public final class MetadataProcess {

    private MetadataProcess() {
    }

    /** Starts it with the test's master key unless {@code overrides} sets other variables. */
    public static ServiceProcess start(Map<String, String> overrides) {
        var config = ConfigProvider.getConfig();
        String database = config.getValue("p2pfs.test.database", String.class);
        Map<String, String> env = ServiceProcess.testEnvironment(database);
        env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "enabled");
        env.put("P2PFS_TRACKER_URL", TestTracker.shared().url());
        env.put("P2PFS_MASTER_KEY", config.getValue("p2pfs.crypto.master-key", String.class));
        env.putAll(overrides);
        return ServiceProcess.start("metadata", env, Duration.ofSeconds(180));
    }
}

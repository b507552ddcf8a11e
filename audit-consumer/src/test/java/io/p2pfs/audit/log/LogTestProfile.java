package io.p2pfs.audit.log;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The log without the Kafka consumer: tests append through {@link io.p2pfs.audit.ingest.AuditStore}
 * directly, sign heads on demand, and so know exactly what the log holds while they tamper with it.
 */
public class LogTestProfile implements QuarkusTestProfile {

    static final Path HEADS;

    static {
        try {
            HEADS = Files.createTempDirectory("p2pfs-audit-heads-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("p2pfs.audit.ingest.enabled", "false", "p2pfs.audit.log.head-interval", "1h",
                "p2pfs.audit.log.heads-directory", HEADS.toString());
    }
}

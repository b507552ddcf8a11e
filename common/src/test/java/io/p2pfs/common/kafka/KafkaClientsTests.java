package io.p2pfs.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientsTests {

    private static final Map<String, Object> SECURED_BROKER = Map.of(
            "bootstrap.servers", "ignored:9092",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"metadata\" password=\"x\";",
            "ssl.truststore.type", "PEM",
            "ssl.truststore.location", "/etc/p2pfs/kafka-ca/ca.crt",
            "enable.idempotence", "false",
            "auto.offset.reset", "latest",
            "ssl.keystore.location", "");

    @Test
    void everyHandBuiltClientConnectsWithTheServicesSecuritySettings() {
        KafkaClients clients = new KafkaClients(settings("broker:9093"), SECURED_BROKER);
        for (Properties props : new Properties[] {clients.producer("p"), clients.consumer("g", "c"), clients.admin()}) {
            assertEquals("SASL_SSL", props.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
            assertEquals(SECURED_BROKER.get("sasl.jaas.config"), props.get("sasl.jaas.config"));
            assertEquals("PEM", props.get("ssl.truststore.type"));
            assertEquals("/etc/p2pfs/kafka-ca/ca.crt", props.get("ssl.truststore.location"));
            assertEquals("broker:9093", props.get("bootstrap.servers"), "the service's own bootstrap setting wins");
            assertFalse(props.containsKey("ssl.keystore.location"), "an empty setting is not passed on");
        }
    }

    @Test
    void whatAClientDoesIsNotTakenFromTheSharedConfiguration() {
        KafkaClients clients = new KafkaClients(settings("broker:9092"), SECURED_BROKER);
        assertEquals("true", clients.producer("p").get("enable.idempotence"));
        assertEquals("earliest", clients.consumer("g", "c").get("auto.offset.reset"));
        assertFalse(clients.admin().containsKey("enable.idempotence"));
    }

    @Test
    void aPlainBrokerGetsOnlyItsAddress() {
        KafkaClients clients = new KafkaClients(settings("localhost:9092"), Map.of("bootstrap.servers", "localhost:9092"));
        Properties admin = clients.admin();
        assertEquals("localhost:9092", admin.get("bootstrap.servers"));
        assertFalse(admin.containsKey("security.protocol"));
    }

    private static KafkaSettings settings(String bootstrap) {
        return new KafkaSettings() {
            @Override
            public String bootstrapServers() {
                return bootstrap;
            }

            @Override
            public boolean createTopics() {
                return true;
            }

            @Override
            public int partitions() {
                return 6;
            }

            @Override
            public int placementPartitions() {
                return 12;
            }

            @Override
            public short replicationFactor() {
                return 1;
            }

            @Override
            public Duration deliveryTimeout() {
                return Duration.ofSeconds(30);
            }
        };
    }
}

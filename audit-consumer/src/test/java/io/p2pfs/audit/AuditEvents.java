package io.p2pfs.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.p2pfs.testing.KafkaBroker;
import io.p2pfs.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/** Publishes CloudEvents to the real test broker and looks at the audit tables directly. */
public final class AuditEvents {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaProducer<String, String> producer;

    private AuditEvents() {
    }

    /** A unique tag for one test's data (letters and digits only, so it is one search word). */
    public static String tag() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    public static ObjectNode event(String type, String actor, String resource, String outcome, Instant time,
            Map<String, Object> details) {
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", "/p2pfs/test");
        event.put("type", type);
        event.put("subject", resource);
        event.put("time", time.toString());
        event.put("datacontenttype", "application/json");
        event.put("p2pfsschemaversion", 1);
        ObjectNode data = event.putObject("data");
        data.put("actor", actor);
        data.put("action", type);
        data.put("resource", resource);
        data.put("outcome", outcome);
        data.set("details", JSON.valueToTree(details));
        return event;
    }

    public static String id(ObjectNode event) {
        return event.get("id").asText();
    }

    /** Publishes and waits for the broker's acknowledgement. */
    public static void publish(String topic, String key, ObjectNode event) {
        publishRaw(topic, key, event.toString());
    }

    public static void publishRaw(String topic, String key, String value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("publish failed: " + e.getMessage(), e);
        }
    }

    /** Publishes many, waiting once for all acknowledgements. */
    public static void publishAll(String topic, List<ObjectNode> events) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (ObjectNode event : events) {
            sends.add(producer().send(new ProducerRecord<>(topic, event.path("subject").asText(), event.toString())));
        }
        producer().flush();
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("publish failed: " + e.getMessage(), e);
        }
    }

    public static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            // The tests' super user: it plays every service whose events the audit reads.
            props.putAll(KafkaBroker.shared().clientProperties(KafkaBroker.ADMIN));
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            // Not idempotent: a freshly created partition may answer NOT_LEADER_OR_FOLLOWER to the
            // first batch and accept the second, after which an idempotent producer retries the
            // first with an out-of-order sequence until its delivery timeout. One request in
            // flight keeps the order; the consumer deduplicates by event id anyway.
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    /** Rows stored with these event ids (each id counted as often as it is stored). */
    public static long storedRows(Collection<String> ids) {
        return count("SELECT count(*) FROM audit_event WHERE event_id = ANY(?)", (Object) ids.toArray(new String[0]));
    }

    public static void awaitStored(Collection<String> ids) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> storedRows(ids) == ids.size());
    }

    public static long count(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            bind(connection, query, params);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long seqOf(String eventId) {
        return count("SELECT seq FROM audit_event WHERE event_id = ?", eventId);
    }

    public static int update(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(connection, statement, params);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Connection connect() throws SQLException {
        String database = ConfigProvider.getConfig().getValue("p2pfs.test.database", String.class);
        return TestPostgres.shared().connect(database);
    }

    private static void bind(Connection connection, PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof String[] array) {
                statement.setArray(i + 1, connection.createArrayOf("text", array));
            } else {
                statement.setObject(i + 1, params[i]);
            }
        }
    }
}

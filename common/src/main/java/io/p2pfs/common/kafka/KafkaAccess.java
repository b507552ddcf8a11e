package io.p2pfs.common.kafka;

import io.p2pfs.common.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the broker: the topic and group ACLs of each kind of Kafka principal. Every
 * service and every storage peer connects as a principal of its own (SASL/SCRAM over TLS), and
 * the broker lets it read and write only what its role needs: the tracker alone writes users and
 * nodes, a peer reads placements and writes only confirmations, the audit service reads what it
 * audits and writes its dead letters and tree heads.
 *
 * <p>This table is the one source: the local stack and the tests grant exactly these ACLs, and
 * the Kubernetes checks fail when a {@code KafkaUser} grants anything else. Plain Kafka types only,
 * so the local stack's provisioning runs it outside a service.
 */
public final class KafkaAccess {

    /** The kinds of principal, each with its ACLs. */
    public enum Role {
        TRACKER, METADATA, AUDIT, PEER;

        /** The role of a principal named like the system's own ({@code tracker}, {@code p2pfs-peer-2}, ...). */
        public static Role ofPrincipal(String name) {
            String bare = name.startsWith("p2pfs-") ? name.substring("p2pfs-".length()) : name;
            for (Role role : values()) {
                String lower = role.name().toLowerCase(Locale.ROOT);
                if (bare.equals(lower) || bare.startsWith(lower + "-")) {
                    return role;
                }
            }
            throw new IllegalArgumentException("no role for Kafka principal '" + name + "'");
        }
    }

    /** One ACL of a role: operations allowed on a topic or consumer group (by name or name prefix). */
    public record Grant(ResourceType type, String name, PatternType pattern, Set<AclOperation> operations) {

        static Grant topic(String name, AclOperation... operations) {
            return new Grant(ResourceType.TOPIC, name, PatternType.LITERAL, Set.of(operations));
        }

        static Grant groups(String prefix) {
            return new Grant(ResourceType.GROUP, prefix, PatternType.PREFIXED, Set.of(AclOperation.READ));
        }
    }

    private static final AclOperation READ = AclOperation.READ;
    private static final AclOperation WRITE = AclOperation.WRITE;
    private static final AclOperation DESCRIBE = AclOperation.DESCRIBE;

    private static final Map<Role, List<Grant>> GRANTS = Map.of(
            Role.TRACKER, List.of(
                    Grant.topic(Topics.USERS, WRITE, DESCRIBE),
                    // Node liveness out; node removals (a drain that ended) in.
                    Grant.topic(Topics.NODES, READ, WRITE, DESCRIBE),
                    Grant.topic(Topics.ACCESS, WRITE, DESCRIBE),
                    Grant.groups("p2pfs-tracker-")),
            Role.METADATA, List.of(
                    Grant.topic(Topics.FILES, WRITE, DESCRIBE),
                    Grant.topic(Topics.LOCKS, WRITE, DESCRIBE),
                    Grant.topic(Topics.ACLS, WRITE, DESCRIBE),
                    Grant.topic(Topics.ACCESS, WRITE, DESCRIBE),
                    Grant.topic(Topics.CHUNK_PLACEMENTS, WRITE, DESCRIBE),
                    Grant.topic(Topics.METADATA_DLQ, WRITE, DESCRIBE),
                    Grant.topic(Topics.USERS, READ, DESCRIBE),
                    Grant.topic(Topics.NODES, READ, WRITE, DESCRIBE),
                    Grant.topic(Topics.CHUNK_CONFIRMATIONS, READ, DESCRIBE),
                    Grant.groups("p2pfs-metadata-")),
            Role.AUDIT, List.of(
                    Grant.topic(Topics.USERS, READ, DESCRIBE),
                    Grant.topic(Topics.NODES, READ, DESCRIBE),
                    Grant.topic(Topics.FILES, READ, DESCRIBE),
                    Grant.topic(Topics.LOCKS, READ, DESCRIBE),
                    Grant.topic(Topics.ACLS, READ, DESCRIBE),
                    // Its own refusals and searches go on the access topic it also reads.
                    Grant.topic(Topics.ACCESS, READ, WRITE, DESCRIBE),
                    // The peers' refusals: the one kind of event the audit takes from this topic.
                    Grant.topic(Topics.CHUNK_CONFIRMATIONS, READ, DESCRIBE),
                    Grant.topic(Topics.AUDIT_DLQ, WRITE, DESCRIBE),
                    Grant.topic(Topics.AUDIT_TREE_HEADS, WRITE, DESCRIBE),
                    Grant.groups("p2pfs-audit")),
            Role.PEER, List.of(
                    Grant.topic(Topics.CHUNK_PLACEMENTS, READ, DESCRIBE),
                    // Confirmations, and the peer's own refusals: a peer writes nothing else.
                    Grant.topic(Topics.CHUNK_CONFIRMATIONS, WRITE, DESCRIBE),
                    Grant.groups("p2pfs-peer-")));

    private KafkaAccess() {
    }

    public static List<Grant> grants(Role role) {
        return GRANTS.get(role);
    }

    /** The broker's ACL bindings for principal {@code User:<name>} in {@code role}: one per operation. */
    public static List<AclBinding> bindings(String name, Role role) {
        List<AclBinding> bindings = new ArrayList<>();
        for (Grant grant : grants(role)) {
            for (AclOperation operation : grant.operations()) {
                bindings.add(new AclBinding(new ResourcePattern(grant.type(), grant.name(), grant.pattern()),
                        new AccessControlEntry("User:" + name, "*", operation, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }
}

package io.p2pfs.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.common.events.Topics;
import io.p2pfs.common.kafka.KafkaAccess.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** Who may write and read each topic: the boundaries the broker enforces. */
class KafkaAccessTests {

    private static Set<Role> allowed(String topic, AclOperation operation) {
        return EnumSet.allOf(Role.class).stream().filter(role -> KafkaAccess.grants(role).stream()
                .anyMatch(grant -> grant.type() == ResourceType.TOPIC && grant.name().equals(topic)
                        && grant.pattern() == PatternType.LITERAL && grant.operations().contains(operation)))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class)));
    }

    @Test
    void onlyTheTrackerWritesRegistrationsAndOnlyTrustedServicesWriteNodesAndAccess() {
        assertEquals(EnumSet.of(Role.TRACKER), allowed(Topics.USERS, AclOperation.WRITE));
        // The metadata service announces the end of a drain there; no peer writes a node event.
        assertEquals(EnumSet.of(Role.TRACKER, Role.METADATA), allowed(Topics.NODES, AclOperation.WRITE));
        assertEquals(EnumSet.of(Role.TRACKER, Role.METADATA, Role.AUDIT), allowed(Topics.ACCESS, AclOperation.WRITE));
        assertEquals(EnumSet.of(Role.METADATA), allowed(Topics.CHUNK_PLACEMENTS, AclOperation.WRITE));
        assertEquals(EnumSet.of(Role.METADATA), allowed(Topics.FILES, AclOperation.WRITE));
        assertEquals(EnumSet.of(Role.AUDIT), allowed(Topics.AUDIT_TREE_HEADS, AclOperation.WRITE));
    }

    @Test
    void aPeerReadsOnlyPlacementsAndWritesOnlyConfirmations() {
        for (String topic : Topics.ALL) {
            assertEquals(topic.equals(Topics.CHUNK_PLACEMENTS), allowed(topic, AclOperation.READ).contains(Role.PEER),
                    topic);
            assertEquals(topic.equals(Topics.CHUNK_CONFIRMATIONS),
                    allowed(topic, AclOperation.WRITE).contains(Role.PEER), topic);
        }
        assertEquals(EnumSet.of(Role.PEER), allowed(Topics.CHUNK_CONFIRMATIONS, AclOperation.WRITE));
    }

    @Test
    void everyGrantIsAnAllowForOneNamedPrincipalAndNoRoleTouchesTheCluster() {
        for (Role role : Role.values()) {
            var bindings = KafkaAccess.bindings("p2pfs-" + role.name().toLowerCase(), role);
            assertTrue(bindings.stream().allMatch(b -> b.entry().permissionType() == AclPermissionType.ALLOW
                    && b.entry().principal().equals("User:p2pfs-" + role.name().toLowerCase())
                    && b.pattern().resourceType() != ResourceType.CLUSTER
                    && b.entry().operation() != AclOperation.ALL && b.entry().operation() != AclOperation.ALTER));
            assertTrue(KafkaAccess.grants(role).stream().filter(g -> g.type() == ResourceType.TOPIC)
                    .allMatch(g -> Topics.ALL.contains(g.name())), role + " names a topic that does not exist");
        }
    }

    @Test
    void principalsAreNamedAfterTheirRole() {
        assertEquals(Role.TRACKER, Role.ofPrincipal("tracker"));
        assertEquals(Role.METADATA, Role.ofPrincipal("p2pfs-metadata"));
        assertEquals(Role.PEER, Role.ofPrincipal("peer-3"));
        assertEquals(Role.PEER, Role.ofPrincipal("p2pfs-peer-z1-0"));
        assertThrows(IllegalArgumentException.class, () -> Role.ofPrincipal("admin"));
        assertThrows(IllegalArgumentException.class, () -> Role.ofPrincipal("peerless"));
    }
}

package io.p2pfs.metadata.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.problem.BadRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class EffectivePolicyTests {

    @Test
    void withoutPoliciesTheDefaultsApply() {
        EffectivePolicy policy = EffectivePolicy.resolve(List.of(PolicySettings.NONE, PolicySettings.NONE),
                ConflictStrategy.FAIL, 3);
        assertEquals(new EffectivePolicy(ConflictStrategy.FAIL, 3, null, null), policy);
    }

    @Test
    void theNearestDirectoryThatSetsASettingWinsSettingBySetting() {
        PolicySettings root = new PolicySettings(ConflictStrategy.KEEP_BOTH, 2, 10, null);
        PolicySettings middle = new PolicySettings(null, 5, null, 30);
        PolicySettings nearest = new PolicySettings(ConflictStrategy.LAST_WRITER_WINS, null, null, null);
        EffectivePolicy policy = EffectivePolicy.resolve(List.of(root, middle, nearest), ConflictStrategy.FAIL, 3);
        assertEquals(new EffectivePolicy(ConflictStrategy.LAST_WRITER_WINS, 5, 10, 30), policy);
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(BadRequest.class, () -> new PolicySettings(null, 0, null, null).validated());
        assertThrows(BadRequest.class, () -> new PolicySettings(null, 6, null, null).validated());
        assertThrows(BadRequest.class, () -> new PolicySettings(null, null, 0, null).validated());
        assertThrows(BadRequest.class, () -> new PolicySettings(null, null, null, 0).validated());
        assertEquals(5, new PolicySettings(null, 5, 1, 1).validated().replicationFactor());
        assertNull(PolicySettings.NONE.validated().conflictStrategy());
    }
}

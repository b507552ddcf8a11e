package io.p2pfs.metadata.conflicts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.metadata.policies.ConflictStrategy;
import org.junit.jupiter.api.Test;

class ConflictResolutionTests {

    @Test
    void noVersionCommittedMeanwhileIsNoConflictWhateverTheStrategy() {
        for (ConflictStrategy strategy : ConflictStrategy.values()) {
            assertEquals(ConflictResolution.COMMIT, ConflictResolution.decide(strategy, 3, 3, false));
            assertEquals(ConflictResolution.COMMIT, ConflictResolution.decide(strategy, null, null, true));
        }
        assertFalse(ConflictResolution.COMMIT.isConflict());
    }

    @Test
    void aVersionCommittedMeanwhileIsResolvedByTheStrategy() {
        assertEquals(ConflictResolution.FAIL, ConflictResolution.decide(ConflictStrategy.FAIL, 3, 4, false));
        assertEquals(ConflictResolution.COMMIT_NEXT,
                ConflictResolution.decide(ConflictStrategy.LAST_WRITER_WINS, 3, 4, false));
        assertEquals(ConflictResolution.KEEP_BOTH, ConflictResolution.decide(ConflictStrategy.KEEP_BOTH, 3, 4, false));
        assertTrue(ConflictResolution.KEEP_BOTH.isConflict());
    }

    @Test
    void aFileCreatedMeanwhileIsAConflictForAnUploadThatExpectedNone() {
        assertEquals(ConflictResolution.COMMIT_NEXT,
                ConflictResolution.decide(ConflictStrategy.LAST_WRITER_WINS, null, 1, false));
        assertEquals(ConflictResolution.KEEP_BOTH, ConflictResolution.decide(ConflictStrategy.KEEP_BOTH, null, 1, false));
    }

    @Test
    void createOnlyFailsOnAnyConflictEvenUnderForgivingStrategies() {
        for (ConflictStrategy strategy : ConflictStrategy.values()) {
            assertEquals(ConflictResolution.FAIL, ConflictResolution.decide(strategy, null, 1, true));
        }
    }
}

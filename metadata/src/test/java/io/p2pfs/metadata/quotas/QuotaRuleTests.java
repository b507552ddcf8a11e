package io.p2pfs.metadata.quotas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuotaRuleTests {

    @Test
    void aCommitThatEndsExactlyAtTheLimitIsAdmittedAndOneByteMoreIsNot() {
        assertTrue(QuotaRule.admits(900, 100, 0, 1000));
        assertFalse(QuotaRule.admits(901, 100, 0, 1000));
        assertFalse(QuotaRule.admits(0, 1001, 0, 1000));
    }

    @Test
    void aLimitOfZeroIsNoLimit() {
        assertTrue(QuotaRule.admits(Long.MAX_VALUE - 10, 5, 0, 0));
        assertNull(QuotaRule.available(123, 0));
    }

    @Test
    void whatRetentionLetsGoInTheSameCommitCounts() {
        // At the limit, an overwrite that prunes the old version of the same size fits.
        assertTrue(QuotaRule.admits(1000, 400, 400, 1000));
        assertTrue(QuotaRule.admits(1000, 500, 400, 1100));
        assertFalse(QuotaRule.admits(1000, 500, 400, 1099));
    }

    @Test
    void aUserAboveALoweredLimitMayStillShrinkButNotGrow() {
        assertTrue(QuotaRule.admits(5000, 0, 0, 1000));
        assertTrue(QuotaRule.admits(5000, 100, 300, 1000));
        assertFalse(QuotaRule.admits(5000, 1, 0, 1000));
    }

    @Test
    void hugeNumbersDoNotOverflowIntoAnAdmission() {
        assertFalse(QuotaRule.admits(Long.MAX_VALUE - 1, Long.MAX_VALUE, 0, Long.MAX_VALUE));
    }

    @Test
    void anOverrideWinsOverTheDefaultAndAvailableNeverGoesNegative() {
        assertEquals(10, QuotaRule.effectiveLimit(10L, 1000));
        assertEquals(0, QuotaRule.effectiveLimit(0L, 1000));
        assertEquals(1000, QuotaRule.effectiveLimit(null, 1000));
        assertEquals(0L, QuotaRule.available(2000, 1000));
        assertEquals(400L, QuotaRule.available(600, 1000));
    }
}

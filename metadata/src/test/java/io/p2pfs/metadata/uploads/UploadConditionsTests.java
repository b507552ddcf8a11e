package io.p2pfs.metadata.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.problem.PreconditionFailed;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.metadata.namespace.Entry;
import io.p2pfs.metadata.policies.ConflictStrategy;
import org.junit.jupiter.api.Test;

class UploadConditionsTests {

    static Entry file(long id, int currentVersion) {
        Entry entry = new Entry();
        entry.entryId = id;
        entry.kind = Entry.FILE;
        entry.currentVersion = currentVersion;
        return entry;
    }

    static UploadConditions ifMatch(String header) {
        return new UploadConditions(header, false);
    }

    @Test
    void withoutConditionsTheUploadIsBasedOnTheCurrentVersion() {
        UploadConditions none = new UploadConditions(null, false);
        assertEquals(4, UploadConditions.baseVersion(none, file(9, 4), ConflictStrategy.FAIL));
        assertNull(UploadConditions.baseVersion(none, null, ConflictStrategy.FAIL));
    }

    @Test
    void ifMatchNamesTheBaseVersionAndAnOlderOneIsRefusedOnlyUnderFail() {
        assertEquals(4, UploadConditions.baseVersion(ifMatch("\"9.4\""), file(9, 4), ConflictStrategy.FAIL));
        assertEquals(2, UploadConditions.baseVersion(ifMatch("W/\"9.2\""), file(9, 4), ConflictStrategy.KEEP_BOTH));
        assertEquals(2, UploadConditions.baseVersion(ifMatch("\"9.2\""), file(9, 4),
                ConflictStrategy.LAST_WRITER_WINS));
        PreconditionFailed stale = assertThrows(PreconditionFailed.class,
                () -> UploadConditions.baseVersion(ifMatch("\"9.2\""), file(9, 4), ConflictStrategy.FAIL));
        assertEquals("\"9.4\"", stale.extensions().get("currentEtag"));
    }

    @Test
    void ifMatchNamingNoVersionOfThisFileIsRefusedWhateverTheStrategy() {
        for (String header : new String[] {"\"8.2\"", "\"9.5\"", "\"9.0\"", "\"9.x\"", "9.2", "\"0.0\""}) {
            assertThrows(PreconditionFailed.class,
                    () -> UploadConditions.baseVersion(ifMatch(header), file(9, 4), ConflictStrategy.KEEP_BOTH), header);
        }
        assertThrows(PreconditionFailed.class,
                () -> UploadConditions.baseVersion(ifMatch("*"), null, ConflictStrategy.KEEP_BOTH));
    }

    @Test
    void theNewestNamedVersionCountsAndStarNamesTheCurrentOne() {
        assertEquals(3, ETags.namedVersion("\"9.1\", \"9.3\", \"7.4\"", 9, 4));
        assertEquals(4, ETags.namedVersion("*", 9, 4));
    }

    @Test
    void createOnlyRefusesAnExistingFile() {
        assertThrows(PreconditionFailed.class, () -> UploadConditions.baseVersion(
                new UploadConditions(null, true), file(9, 1), ConflictStrategy.KEEP_BOTH));
        assertNull(UploadConditions.baseVersion(new UploadConditions(null, true), null,
                ConflictStrategy.FAIL));
    }
}

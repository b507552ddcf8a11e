package io.p2pfs.metadata.conflicts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.common.paths.FsPath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConflictNamesTests {

    static final Instant AT = Instant.parse("2026-11-25T04:12:33.456Z");

    @Test
    void theConflictTagGoesBeforeTheExtension() {
        assertEquals("report (conflict dora 20261125T041233Z).txt", ConflictNames.name("report.txt", "dora", AT, 1));
        assertEquals("archive.tar (conflict dora 20261125T041233Z).gz",
                ConflictNames.name("archive.tar.gz", "dora", AT, 1));
    }

    @Test
    void aNameWithoutExtensionOrWithALeadingDotGetsTheTagAtItsEnd() {
        assertEquals("Makefile (conflict dora 20261125T041233Z)", ConflictNames.name("Makefile", "dora", AT, 1));
        assertEquals(".profile (conflict dora 20261125T041233Z)", ConflictNames.name(".profile", "dora", AT, 1));
    }

    @Test
    void laterAttemptsInTheSameSecondAreNumberedAndDistinct() {
        Set<String> names = new HashSet<>();
        for (int attempt = 1; attempt <= 100; attempt++) {
            names.add(ConflictNames.name("a.txt", "dora", AT, attempt));
        }
        assertEquals(100, names.size());
        assertEquals("a (conflict dora 20261125T041233Z 2).txt", ConflictNames.name("a.txt", "dora", AT, 2));
    }

    @Test
    void aSlashOrControlCharacterInTheUserIdCannotBreakThePath() {
        String name = ConflictNames.name("a.txt", "evil/../\u0007x", AT, 1);
        assertEquals("a (conflict evil_..__x 20261125T041233Z).txt", name);
        assertEquals(2, FsPath.parse("/d/" + name).segments().size());
    }

    @Test
    void aLongNameIsShortenedToFitTheNameLimitKeepingTagAndExtension() {
        String name = ConflictNames.name("é".repeat(200) + ".txt", "dora", AT, 7);
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 255, name);
        assertTrue(name.endsWith(" (conflict dora 20261125T041233Z 7).txt"), name);
    }
}

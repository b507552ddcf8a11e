package io.p2pfs.common.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.common.problem.BadRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FsPathTests {

    @Test
    void normalizesLeadingAndOneTrailingSlash() {
        assertEquals("/a/b", FsPath.parse("a/b").toString());
        assertEquals("/a/b", FsPath.parse("/a/b/").toString());
        assertEquals("/", FsPath.parse("/").toString());
        assertEquals("/", FsPath.parse("").toString());
        assertEquals("/a", FsPath.parse("/a/b").parent().toString());
        assertEquals("b", FsPath.parse("/a/b").name());
        assertEquals("/ünï cödé/файл.txt", FsPath.parse("/ünï cödé/файл.txt").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/../b", "/a/./b", "/..", "/a//b", "//a", "/a\u0000b", "/a\nb", "/a\tb", "/a\u007fb",
            "/a\u0085b"})
    void refusesDotSegmentsEmptySegmentsAndControlCharacters(String raw) {
        assertThrows(BadRequest.class, () -> FsPath.parse(raw));
    }

    @Test
    void composedAndDecomposedSpellingsAreOneName() {
        String composed = "/caf\u00e9/r\u00e9sum\u00e9.txt";
        String decomposed = "/cafe\u0301/re\u0301sume\u0301.txt";
        assertEquals(FsPath.parse(composed), FsPath.parse(decomposed));
        assertEquals(composed, FsPath.parse(decomposed).toString());
        assertEquals("caf\u00e9", FsPath.ROOT.child("cafe\u0301").name());
        // Compatibility forms are distinct characters, not another spelling of the same one.
        assertEquals("/\ufb01le", FsPath.parse("/\ufb01le").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/invoice\u202egpj.exe", // right-to-left override: shows as "invoiceexe.jpg"
            "/a\u202ab", "/a\u2066b", "/a\u2069b", "/a\u200eb", "/a\u200fb", "/a\u061cb", // bidi marks, isolates
            "/pay\u200bpal", "/a\u200cb", "/a\u200db", "/a\u2060b", "/\ufeffa", "/a\u00adb", // invisible
            "/a\u2028b", "/a\u2029b", // line and paragraph separators
            "/a\ud800b", "/a\udc00", // unpaired surrogates
            "/a\ufffeb", "/a\uffffb", "/a\ufdd0b", "/a\ud83f\udffeb"}) // non-characters (U+FFFE, U+1FFFE, ...)
    void refusesCharactersThatHideWhatANameSays(String raw) {
        BadRequest refused = assertThrows(BadRequest.class, () -> FsPath.parse(raw));
        assertFalse(refused.detail().contains(raw), "the refusal does not echo the hidden characters");
        assertThrows(BadRequest.class, () -> FsPath.ROOT.child(raw.substring(1)));
    }

    @Test
    void keepsVisibleCharactersOfEveryScript() {
        for (String name : new String[] {"\u0645\u0644\u0641", "\u05e7\u05d5\u05d1\u05e5", "\u6587\u4ef6",
                "\ud83d\udcc1 photos", "na\u00efve", "\u0939\u093f\u0928\u094d\u0926\u0940"}) {
            assertEquals("/" + name, FsPath.parse("/" + name).toString());
        }
    }

    @Test
    void refusesOverlongNamesAndPaths() {
        assertThrows(BadRequest.class, () -> FsPath.parse("/" + "n".repeat(256)));
        assertThrows(BadRequest.class, () -> FsPath.parse(("/" + "n".repeat(200)).repeat(21)));
        assertEquals(255, FsPath.parse("/" + "n".repeat(255)).name().length());
    }

    @Test
    void containmentFollowsSegmentsNotPrefixes() {
        assertTrue(FsPath.parse("/a").contains(FsPath.parse("/a/b")));
        assertTrue(FsPath.ROOT.contains(FsPath.parse("/x")));
        assertFalse(FsPath.parse("/a").contains(FsPath.parse("/ab")));
    }
}

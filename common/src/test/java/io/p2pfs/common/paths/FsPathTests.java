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

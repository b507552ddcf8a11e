package io.p2pfs.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SizesTests {

    @Test
    void typedSizesAreBytesInBinaryUnits() {
        assertEquals(1024L, Sizes.parse("1024"));
        assertEquals(500L << 10, Sizes.parse("500K"));
        assertEquals(50L << 30, Sizes.parse("50G"));
        assertEquals(50L << 30, Sizes.parse("50GiB"));
        assertEquals(50L << 30, Sizes.parse("50gb"));
        assertEquals(2L << 40, Sizes.parse("2T"));
        assertEquals(3L << 29, Sizes.parse("1.5G"));
        assertEquals(0L, Sizes.parse("0"));
    }

    @Test
    void whatIsNoSizeIsNull() {
        assertNull(Sizes.parse("ten"));
        assertNull(Sizes.parse(""));
        assertNull(Sizes.parse("G"));
        assertNull(Sizes.parse("-5M"));
        assertNull(Sizes.parse("9999999P"));
        assertNull(Sizes.parse(null));
    }
}

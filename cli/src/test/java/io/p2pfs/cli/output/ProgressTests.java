package io.p2pfs.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTests {

    @Test
    void aDisabledProgressDrawsNothingButStillCounts() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Progress progress = new Progress(new PrintStream(err), false, 100)) {
            Progress.Transfer transfer = progress.start("/a/file", 10);
            try (InputStream in = transfer.meter(new ByteArrayInputStream(new byte[10]))) {
                assertEquals(10, in.readAllBytes().length);
            }
            transfer.done();
        }
        assertEquals(0, err.size());
    }

    @Test
    void anEnabledProgressEndsWithEachTransfersLineAndTheTotal() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Progress progress = new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), true, 100)) {
            Progress.Transfer first = progress.start("/alice/one.bin", 2048);
            Progress.Transfer second = progress.start("/alice/two.bin", 1024);
            first.meter(new ByteArrayOutputStream()).write(new byte[2048]);
            first.done();
            second.add(512);
            second.failed();
        }
        String drawn = err.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("/alice/one.bin"), drawn);
        assertTrue(drawn.contains("100% 2.0 KiB / 2.0 KiB"), drawn);
        assertTrue(drawn.contains(" 50% 512 B / 1.0 KiB"), drawn);
        assertTrue(drawn.contains("failed"), drawn);
        assertTrue(drawn.contains("total (2/2 files)"), drawn);
        assertTrue(drawn.contains("\u001b[2K"), drawn);
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals("999 B", Sizes.bytes(999));
        assertEquals("1.5 KiB", Sizes.bytes(1536));
        assertEquals("100 MiB", Sizes.bytes(100L << 20));
        assertEquals("1:01:01", Sizes.duration(java.time.Duration.ofSeconds(3661)));
        assertEquals("0:59", Sizes.duration(java.time.Duration.ofSeconds(59)));
    }
}

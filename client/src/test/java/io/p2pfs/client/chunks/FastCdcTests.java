package io.p2pfs.client.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FastCdcTests {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final javax.crypto.SecretKey KEY = key(1);
    private final FastCdc cdc = new FastCdc(256 * KIB, MIB, 4 * MIB, FastCdc.gear(KEY));

    private static javax.crypto.SecretKey key(int seed) {
        byte[] bytes = new byte[32];
        new Random(seed).nextBytes(bytes);
        return new javax.crypto.spec.SecretKeySpec(bytes, "HmacSHA256");
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private List<byte[]> chunks(byte[] data) throws IOException {
        return chunks(new ByteArrayInputStream(data));
    }

    private List<byte[]> chunks(InputStream in) throws IOException {
        List<byte[]> out = new ArrayList<>();
        FastCdc.Stream stream = cdc.stream(in);
        byte[] chunk;
        while ((chunk = stream.next()) != null) {
            out.add(chunk);
        }
        return out;
    }

    private static Set<String> ids(List<byte[]> chunks) throws Exception {
        Set<String> ids = new HashSet<>();
        for (byte[] chunk : chunks) {
            ids.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chunk)));
        }
        return ids;
    }

    @Test
    void chunksConcatenateToTheInputAndRespectTheSizeBounds() throws IOException {
        byte[] data = random(20 * MIB + 12345, 1);
        List<byte[]> chunks = chunks(data);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < chunks.size(); i++) {
            byte[] chunk = chunks.get(i);
            assertTrue(chunk.length <= 4 * MIB, "no chunk above the maximum");
            if (i < chunks.size() - 1) {
                assertTrue(chunk.length >= 256 * KIB, "only the last chunk may be below the minimum");
            }
            joined.write(chunk);
        }
        assertArrayEquals(data, joined.toByteArray());
        double average = (double) data.length / chunks.size();
        assertTrue(average > 512 * KIB && average < 2 * MIB, "average near 1 MiB, was " + average);
    }

    @Test
    void insertingOneKibInTheMiddleOfSixtyFourMibChangesAtMostThreeChunks() throws Exception {
        byte[] original = random(64 * MIB, 2);
        byte[] edited = new byte[original.length + KIB];
        int middle = original.length / 2;
        System.arraycopy(original, 0, edited, 0, middle);
        System.arraycopy(random(KIB, 3), 0, edited, middle, KIB);
        System.arraycopy(original, middle, edited, middle + KIB, original.length - middle);

        Set<String> before = ids(chunks(original));
        Set<String> after = ids(chunks(edited));
        after.removeAll(before);
        assertTrue(after.size() <= 3, "new chunks after a 1 KiB insert: " + after.size());
    }

    @Test
    void cutPointsDoNotDependOnHowTheStreamDeliversBytes() throws IOException {
        byte[] data = random(9 * MIB, 4);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7919));
            }
        };
        List<byte[]> whole = chunks(data);
        List<byte[]> trickled = chunks(trickle);
        assertEquals(whole.size(), trickled.size());
        for (int i = 0; i < whole.size(); i++) {
            assertArrayEquals(whole.get(i), trickled.get(i));
        }
    }

    @Test
    void edgeSizesGiveTheExpectedChunkCounts() throws IOException {
        assertEquals(0, chunks(new byte[0]).size());
        assertEquals(1, chunks(new byte[1]).size());
        assertEquals(1, chunks(random(256 * KIB, 5)).size());
        assertTrue(chunks(random(4 * MIB + 1, 6)).size() >= 2, "a chunk never exceeds the maximum");
        byte[] zeros = new byte[12 * MIB];
        List<byte[]> zeroChunks = chunks(zeros);
        assertTrue(zeroChunks.stream().allMatch(c -> c.length <= 4 * MIB));
    }

    private static List<Integer> lengths(FastCdc cdc, byte[] data) throws IOException {
        List<Integer> lengths = new ArrayList<>();
        FastCdc.Stream stream = cdc.stream(new ByteArrayInputStream(data));
        byte[] chunk;
        while ((chunk = stream.next()) != null) {
            lengths.add(chunk.length);
        }
        return lengths;
    }

    @Test
    void cutPointsAreTheSameUnderOneKeyAndUnrelatedUnderAnother() throws IOException {
        byte[] data = random(32 * MIB, 7);
        List<Integer> mine = lengths(cdc, data);
        assertEquals(mine, lengths(new FastCdc(256 * KIB, MIB, 4 * MIB, FastCdc.gear(key(1))), data),
                "one writer cuts its content the same way every time (its deduplication holds)");
        List<Integer> theirs = lengths(new FastCdc(256 * KIB, MIB, 4 * MIB, FastCdc.gear(key(2))), data);
        assertEquals(data.length, theirs.stream().mapToLong(Integer::intValue).sum());
        // Without the key, the length sequence a peer sees says nothing: hardly a cut point in common.
        Set<Long> cutsMine = new HashSet<>();
        long at = 0;
        for (int n : mine) {
            cutsMine.add(at += n);
        }
        long shared = 0;
        at = 0;
        for (int i = 0; i < theirs.size() - 1; i++) {
            if (cutsMine.contains(at += theirs.get(i))) {
                shared++;
            }
        }
        assertTrue(shared <= 2, shared + " of " + theirs.size() + " cut points shared by two keys");
        assertTrue(mine.size() > 10 && theirs.size() > 10);
    }

    @Test
    void aGearTableIsDerivedFromItsKeyAlone() {
        long[] one = FastCdc.gear(key(1));
        assertArrayEquals(one, FastCdc.gear(key(1)));
        assertEquals(256, java.util.Arrays.stream(one).distinct().count());
        long[] other = FastCdc.gear(key(2));
        assertEquals(0, java.util.stream.IntStream.range(0, 256).filter(i -> one[i] == other[i]).count());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FastCdc(256 * KIB, MIB, 4 * MIB, new long[255]));
    }
}

package io.p2pfs.client.chunks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Content-defined chunking with FastCDC (Xia et al., 2016) and normalized chunking (level 2):
 * a gear rolling hash over the bytes after the minimum size; a cut point is where the hash's
 * top bits are all zero, with a stricter mask before the average size and a looser one after,
 * so sizes cluster around the average. An edit moves only the cut points near it, so the
 * chunks elsewhere keep their ids.
 *
 * <p>The gear table is keyed ({@link #gear}): derived from the writer's convergence key, so cut
 * points are the same for everything one writer stores (its deduplication works across files
 * and versions) and unknown to anyone else. With a public table, the sequence of chunk lengths
 * a peer sees would fingerprint a known file; with a keyed one it says nothing without the key.
 */
public final class FastCdc {

    private static final int GEAR_ENTRIES = 256;

    private final long[] gear;
    private final int min;
    private final int avg;
    private final int max;
    private final long maskSmall;
    private final long maskLarge;

    /** {@code gear}: the 256-entry table of {@link #gear(SecretKey)}. */
    public FastCdc(int min, int avg, int max, long[] gear) {
        if (min <= 0 || min > avg || avg > max || Integer.bitCount(avg) != 1) {
            throw new IllegalArgumentException("need 0 < min <= avg <= max and avg a power of two");
        }
        if (gear == null || gear.length != GEAR_ENTRIES) {
            throw new IllegalArgumentException("the gear table has " + GEAR_ENTRIES + " entries");
        }
        this.gear = gear.clone();
        this.min = min;
        this.avg = avg;
        this.max = max;
        int bits = Integer.numberOfTrailingZeros(avg);
        this.maskSmall = topBits(bits + 2);
        this.maskLarge = topBits(bits - 2);
    }

    public int maxChunkSize() {
        return max;
    }

    /** Length of the first chunk of {@code data[offset, offset + length)}. */
    public int cut(byte[] data, int offset, int length) {
        if (length <= min) {
            return length;
        }
        int n = Math.min(length, max);
        int normal = Math.min(n, avg);
        long fp = 0;
        int i = min;
        for (; i < normal; i++) {
            fp = (fp << 1) + gear[data[offset + i] & 0xff];
            if ((fp & maskSmall) == 0) {
                return i + 1;
            }
        }
        for (; i < n; i++) {
            fp = (fp << 1) + gear[data[offset + i] & 0xff];
            if ((fp & maskLarge) == 0) {
                return i + 1;
            }
        }
        return n;
    }

    /** Cuts a stream into chunks, holding at most two maximum-size windows in memory. */
    public Stream stream(InputStream in) {
        return new Stream(in);
    }

    /**
     * Chunks of a stream, in order. The buffer holds two maximum chunks: cut points are found
     * in place and the unread tail moves to the front only when less than one maximum chunk is
     * left, so each byte is moved at most about once instead of once per chunk cut before it.
     */
    public final class Stream {
        private final InputStream in;
        private final byte[] buffer = new byte[2 * max];
        private int start;
        private int filled;
        private boolean eof;
        private long offset;

        Stream(InputStream in) {
            this.in = in;
        }

        /** The next chunk (a fresh array of exactly its length), or {@code null} at the end. */
        public byte[] next() throws IOException {
            if (filled - start < max && !eof) {
                System.arraycopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                start = 0;
                while (!eof && filled < buffer.length) {
                    int read = in.read(buffer, filled, buffer.length - filled);
                    if (read < 0) {
                        eof = true;
                    } else {
                        filled += read;
                    }
                }
            }
            if (filled == start) {
                return null;
            }
            int length = cut(buffer, start, filled - start);
            byte[] chunk = Arrays.copyOfRange(buffer, start, start + length);
            start += length;
            offset += length;
            return chunk;
        }

        /** Bytes returned in chunks so far. */
        public long offset() {
            return offset;
        }
    }

    private static long topBits(int bits) {
        return bits <= 0 ? 0 : -1L << (64 - bits);
    }

    /**
     * The gear table of a key: block {@code j} = {@code HMAC-SHA256(key, "p2pfs gear" || j)} (j as
     * one byte) gives entries {@code 4j} to {@code 4j + 3}, eight bytes each. 64 MACs, once per upload.
     */
    public static long[] gear(SecretKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            byte[] label = "p2pfs gear".getBytes(StandardCharsets.US_ASCII);
            long[] table = new long[GEAR_ENTRIES];
            for (int block = 0; block < GEAR_ENTRIES / 4; block++) {
                mac.update(label);
                mac.update((byte) block);
                ByteBuffer.wrap(mac.doFinal()).asLongBuffer().get(table, 4 * block, 4);
            }
            return table;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}

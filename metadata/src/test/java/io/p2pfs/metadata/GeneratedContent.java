package io.p2pfs.metadata;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Content generated from a seed as it is read, so tests move files of any size without holding
 * them: {@code size} pseudo-random bytes, optionally with {@code insertLength} bytes of another
 * seed inserted at {@code insertAt} (an edit in the middle of the same file). {@link #sha256()}
 * is the digest of what was read.
 */
public final class GeneratedContent extends InputStream {

    private final SplittableRandom base;
    private final SplittableRandom inserted;
    private final long insertAt;
    private final long insertLength;
    private final long total;
    private final MessageDigest digest;
    private long position;
    private long baseBuffer;
    private int baseLeft;
    private long insertBuffer;
    private int insertLeft;

    public GeneratedContent(long size, long seed) {
        this(size, seed, -1, 0, 0);
    }

    public GeneratedContent(long size, long seed, long insertAt, long insertLength, long insertSeed) {
        this.base = new SplittableRandom(seed);
        this.inserted = new SplittableRandom(insertSeed);
        this.insertAt = insertAt;
        this.insertLength = insertAt < 0 ? 0 : insertLength;
        this.total = size + this.insertLength;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public long length() {
        return total;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (position == total) {
            return -1;
        }
        int n = (int) Math.min(length, total - position);
        int i = 0;
        while (i < n) {
            boolean nearInsert = insertAt >= 0 && position + 8 > insertAt && position < insertAt + insertLength;
            if (baseLeft == 0 && !nearInsert && n - i >= 8) {
                long value = base.nextLong();
                for (int j = 0; j < 8; j++) {
                    buffer[offset + i + j] = (byte) (value >>> (8 * j));
                }
                i += 8;
                position += 8;
                continue;
            }
            boolean inInsert = insertAt >= 0 && position >= insertAt && position < insertAt + insertLength;
            buffer[offset + i] = inInsert ? nextInserted() : nextBase();
            position++;
            i++;
        }
        digest.update(buffer, offset, n);
        return n;
    }

    private byte nextBase() {
        if (baseLeft == 0) {
            baseBuffer = base.nextLong();
            baseLeft = 8;
        }
        byte b = (byte) baseBuffer;
        baseBuffer >>>= 8;
        baseLeft--;
        return b;
    }

    private byte nextInserted() {
        if (insertLeft == 0) {
            insertBuffer = inserted.nextLong();
            insertLeft = 8;
        }
        byte b = (byte) insertBuffer;
        insertBuffer >>>= 8;
        insertLeft--;
        return b;
    }

    public String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }
}

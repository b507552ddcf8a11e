package io.p2pfs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Random content for the workloads: incompressible, and new for every seed so nothing dedups by accident. */
final class Payloads {

    private Payloads() {
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        fill(new SplittableRandom(seed), data, 0, size);
        return data;
    }

    /** Writes {@code size} random bytes to {@code file}. */
    static Path randomFile(Path file, long size, long seed) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            copyRandom(new SplittableRandom(seed), size, out);
        }
        return file;
    }

    /** {@code source} with {@code inserted} random bytes inserted at its middle. */
    static Path withInsertion(Path source, Path file, long inserted, long seed) throws IOException {
        long size = Files.size(source);
        long middle = size / 2;
        try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(file)) {
            copyExactly(in, out, middle);
            copyRandom(new SplittableRandom(seed), inserted, out);
            in.transferTo(out);
        }
        return file;
    }

    /** {@code total} bytes made of {@code pattern} repeated (for probes where content does not matter). */
    static InputStream repeating(byte[] pattern, long total) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < total ? pattern[(int) (position++ % pattern.length)] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= total) {
                    return -1;
                }
                int start = (int) (position % pattern.length);
                int n = (int) Math.min(Math.min(len, pattern.length - start), total - position);
                System.arraycopy(pattern, start, b, off, n);
                position += n;
                return n;
            }
        };
    }

    /** {@code total} fresh random bytes, generated as they are read (no file, no large buffer). */
    static InputStream randomStream(long total, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - position);
                fill(random, b, off, n);
                position += n;
                return n;
            }
        };
    }

    private static void copyRandom(SplittableRandom random, long size, OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 20];
        for (long written = 0; written < size; ) {
            int n = (int) Math.min(buffer.length, size - written);
            fill(random, buffer, 0, n);
            out.write(buffer, 0, n);
            written += n;
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buffer = new byte[1 << 20];
        for (long left = bytes; left > 0; ) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("source ended early");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static void fill(SplittableRandom random, byte[] data, int off, int len) {
        int i = off;
        int end = off + len;
        while (i + 8 <= end) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                data[i++] = (byte) (v >>> (8 * j));
            }
        }
        long v = random.nextLong();
        while (i < end) {
            data[i++] = (byte) v;
            v >>>= 8;
        }
    }
}

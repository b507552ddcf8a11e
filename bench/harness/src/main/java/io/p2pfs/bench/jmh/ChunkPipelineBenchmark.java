package io.p2pfs.bench.jmh;

import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.client.chunks.FastCdc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The upload's chunk pipeline, part by part, with the metadata service's own classes: FastCDC cut
 * points, SHA-256, AES-256-GCM, one chunk through {@link ChunkCipher#encrypt}, and the whole
 * pipeline (stream → cut → hash → key → encrypt → hash) on one thread. Every benchmark works
 * through 16 MiB of random data and counts one operation per MiB, so a score in ops/s reads as
 * MiB/s. Run with {@code bench/chunk-pipeline/jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ChunkPipelineBenchmark {

    static final int MIB = 1 << 20;
    static final int DATA_MIB = 16;
    private static final int SLICE = 64 * 1024;

    private byte[] data;
    private byte[] chunk;
    private byte[] cipherOut;
    private FastCdc cdc;
    private SecretKeySpec convergence;
    private List<int[]> cuts;

    @Setup
    public void setUp() {
        data = new byte[DATA_MIB * MIB];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < data.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                data[i + j] = (byte) (v >>> (8 * j));
            }
        }
        chunk = java.util.Arrays.copyOf(data, MIB);
        cipherOut = new byte[4 * MIB + ChunkCipher.TAG_BYTES];
        convergence = new SecretKeySpec(new byte[32], "HmacSHA256");
        cdc = new FastCdc(256 << 10, 1 << 20, 4 << 20, FastCdc.gear(convergence));
        cuts = new ArrayList<>();
        for (int off = 0; off < data.length; ) {
            int n = cdc.cut(data, off, data.length - off);
            cuts.add(new int[] {off, n});
            off += n;
        }
    }

    @Benchmark
    @OperationsPerInvocation(DATA_MIB)
    public int fastCdcCutPoints() {
        int chunks = 0;
        for (int off = 0; off < data.length; chunks++) {
            off += cdc.cut(data, off, data.length - off);
        }
        return chunks;
    }

    @Benchmark
    @OperationsPerInvocation(DATA_MIB)
    public byte[] sha256() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (int off = 0; off < data.length; off += SLICE) {
            digest.update(data, off, SLICE);
        }
        return digest.digest();
    }

    /** AES-256-GCM over the same chunks the pipeline cuts, a key per chunk, 64 KiB updates. */
    @Benchmark
    @OperationsPerInvocation(DATA_MIB)
    public int aesGcm() throws Exception {
        int total = 0;
        byte[] key = new byte[32];
        for (int[] c : cuts) {
            key[0]++;
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, new byte[12]));
            int written = 0;
            for (int off = c[0]; off < c[0] + c[1]; off += SLICE) {
                written += cipher.update(data, off, Math.min(SLICE, c[0] + c[1] - off), cipherOut, written);
            }
            total += written + cipher.doFinal(cipherOut, written);
        }
        return total;
    }

    /** One average-size (1 MiB) chunk through the service's convergent encryption. */
    @Benchmark
    public ChunkCipher.Sealed chunkCipherEncrypt1MiB() {
        return ChunkCipher.encrypt(convergence, chunk, chunk.length);
    }

    /** The whole upload pipeline on one thread, as the service's reader and one worker would run it. */
    @Benchmark
    @OperationsPerInvocation(DATA_MIB)
    public void pipelineOneThread(Blackhole sink) throws IOException {
        MessageDigest content = sha256Digest();
        FastCdc.Stream stream = cdc.stream(new ByteArrayInputStream(data));
        byte[] plain;
        while ((plain = stream.next()) != null) {
            content.update(plain);
            sink.consume(ChunkCipher.encrypt(convergence, plain, plain.length));
        }
        sink.consume(content.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

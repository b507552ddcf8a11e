import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.client.chunks.FastCdc;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The upload's chunk pipeline (FastCDC, SHA-256 of the plaintext, convergent key, AES-256-GCM,
 * SHA-256 of the ciphertext) beside plain SHA-256 and plain AES-256-GCM of the same bytes, in
 * the same run. Prints medians of several rounds, MB/s (10^6 bytes).
 */
public class ChunkPipelineBench {

    static final int SLICE = 64 * 1024;

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] data = new byte[mib << 20];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < data.length; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                data[i + j] = (byte) (v >>> (8 * j));
            }
        }
        SecretKeySpec convergence = new SecretKeySpec(new byte[32], "HmacSHA256");
        FastCdc cdc = new FastCdc(256 << 10, 1 << 20, 4 << 20, FastCdc.gear(convergence));
        List<int[]> cuts = cdcChunks(cdc, data);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);

        double sha = median(rounds, data.length, () -> {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (int off = 0; off < data.length; off += SLICE) {
                d.update(data, off, Math.min(SLICE, data.length - off));
            }
            d.digest();
        });
        double gcm = median(rounds, data.length, () -> {
            byte[] out = new byte[(4 << 20) + 16];
            for (int[] c : cuts) {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOf(data, 32), "AES"),
                        new GCMParameterSpec(128, new byte[12]));
                int w = 0;
                for (int off = c[0]; off < c[0] + c[1]; off += SLICE) {
                    w += cipher.update(data, off, Math.min(SLICE, c[0] + c[1] - off), out, w);
                }
                cipher.doFinal(out, w);
            }
        });
        double chunking = median(rounds, data.length, () -> cdcChunks(cdc, data));
        double pipeline = median(rounds, data.length, () -> {
            for (int[] c : cdcChunks(cdc, data)) {
                ChunkCipher.encrypt(convergence, Arrays.copyOfRange(data, c[0], c[0] + c[1]), c[1]);
            }
        });
        double parallel = median(rounds, data.length, () -> {
            List<Future<?>> futures = new ArrayList<>();
            for (int[] c : cdcChunks(cdc, data)) {
                byte[] chunk = Arrays.copyOfRange(data, c[0], c[0] + c[1]);
                futures.add(pool.submit(() -> ChunkCipher.encrypt(convergence, chunk, chunk.length)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        });
        pool.shutdown();
        System.out.printf("data: %d MiB random, %d chunks (avg %.2f MiB), %d rounds, JDK %s, %d cores%n", mib,
                cuts.size(), mib / (double) cuts.size(), rounds, Runtime.version(), threads);
        System.out.printf("%-44s %10s %12s%n", "workload", "MB/s", "vs SHA-256");
        row("SHA-256 (one core)", sha, sha);
        row("AES-256-GCM, 64 KiB slices (one core)", gcm, sha);
        row("FastCDC cut points (one core)", chunking, sha);
        row("pipeline CDC+SHA+HMAC+GCM+SHA (one core)", pipeline, sha);
        row("pipeline on " + threads + " threads", parallel, sha);
        double limit = 1 / (1 / chunking + 2 / sha + 1 / gcm);
        System.out.printf("one-core limit from the parts (CDC + 2 x SHA + GCM): %.0f MB/s; pipeline reaches %.0f %%%n",
                limit, 100 * pipeline / limit);
    }

    static void row(String name, double mbps, double sha) {
        System.out.printf("%-44s %10.0f %11.2fx%n", name, mbps, mbps / sha);
    }

    interface Work {
        void run() throws Exception;
    }

    static double median(int rounds, long bytes, Work work) throws Exception {
        work.run();
        double[] results = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            work.run();
            results[i] = bytes / ((System.nanoTime() - t) / 1e9) / 1e6;
        }
        Arrays.sort(results);
        return results[rounds / 2];
    }

    static List<int[]> cdcChunks(FastCdc cdc, byte[] data) {
        List<int[]> out = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = cdc.cut(data, off, data.length - off);
            out.add(new int[] {off, n});
            off += n;
        }
        return out;
    }
}

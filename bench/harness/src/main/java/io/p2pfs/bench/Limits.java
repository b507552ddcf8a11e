package io.p2pfs.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The machine's own limits, measured in the same run as the workloads: what the JDK hashes and
 * encrypts on one core, what the disk takes with fsync, and what a trivial HTTP server on loopback
 * moves (bytes, and small requests per second). Throughputs are in MB/s (10^6 bytes).
 */
final class Limits {

    private static final int SLICE = 64 * 1024;
    private static final int CHUNK = 4 << 20;

    record Measured(double sha256MBps, double aesGcmMBps, double diskFsyncMBps, double httpMBps,
            double httpSmallRequestsPerSecond, int cores) {

        /**
         * What the upload's crypto allows on all cores: every byte is hashed twice (plaintext and
         * ciphertext) and encrypted once.
         */
        double uploadCryptoMBps() {
            return cores / (2 / sha256MBps + 1 / aesGcmMBps);
        }
    }

    private Limits() {
    }

    static Measured measure(Path workDir, long bytes, int smallRequests, int clients, int rounds) throws Exception {
        // In-memory probes hash at least 64 MiB so the figure is not start-up noise; each probe runs
        // once untimed first so the JIT has compiled what it measures.
        int memoryBytes = (int) Math.max(64L << 20, Math.min(bytes, 256L << 20));
        byte[] data = Payloads.random(memoryBytes, 7);
        warmUp(() -> sha256(data));
        double sha = Stats.median(rounds, () -> memoryBytes / seconds(() -> sha256(data)) / 1e6);
        warmUp(() -> aesGcm(data));
        double gcm = Stats.median(rounds, () -> memoryBytes / seconds(() -> aesGcm(data)) / 1e6);
        double disk = Stats.median(rounds, () -> bytes / seconds(() -> diskWrite(workDir, data, bytes)) / 1e6);
        double[] http = loopbackHttp(data, bytes, smallRequests, clients, rounds);
        return new Measured(sha, gcm, disk, http[0], http[1], Runtime.getRuntime().availableProcessors());
    }

    private static void sha256(byte[] data) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (int off = 0; off < data.length; off += SLICE) {
            digest.update(data, off, Math.min(SLICE, data.length - off));
        }
        digest.digest();
    }

    /** Encrypts in 4 MiB chunks, each with its own key, as the chunk pipeline does (largest chunk). */
    private static void aesGcm(byte[] data) throws Exception {
        byte[] out = new byte[CHUNK + 16];
        for (int start = 0, n = 0; start < data.length; start += CHUNK, n++) {
            int end = Math.min(data.length, start + CHUNK);
            byte[] key = new byte[32];
            key[0] = (byte) n;
            key[1] = (byte) (n >> 8);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, new byte[12]));
            int written = 0;
            for (int off = start; off < end; off += SLICE) {
                written += cipher.update(data, off, Math.min(SLICE, end - off), out, written);
            }
            cipher.doFinal(out, written);
        }
    }

    /** Sequential write of {@code bytes} in 4 MiB writes, then fsync, as a peer does per chunk. */
    private static void diskWrite(Path workDir, byte[] data, long bytes) throws IOException {
        Path file = workDir.resolve("disk-probe.bin");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = 0;
            while (written < bytes) {
                int off = (int) (written % data.length);
                int n = (int) Math.min(Math.min(CHUNK, data.length - off), bytes - written);
                ByteBuffer buffer = ByteBuffer.wrap(data, off, n);
                while (buffer.hasRemaining()) {
                    written += out.write(buffer);
                }
            }
            out.force(true);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A JDK {@code HttpServer} on 127.0.0.1 that reads and discards request bodies: one PUT of
     * {@code bytes}, then {@code smallRequests} PUTs of 4 KiB from {@code clients} threads.
     */
    private static double[] loopbackHttp(byte[] data, long bytes, int smallRequests, int clients, int rounds)
            throws Exception {
        // Without TCP_NODELAY every small exchange waits out the peer's delayed ACK (~40 ms).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService serverThreads = Executors.newFixedThreadPool(Math.max(2, clients));
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[1 << 20];
                while (in.read(buffer) != -1) {
                    // discard
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        ExecutorService clientThreads = Executors.newFixedThreadPool(clients);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sink");
            bulkPut(http, uri, data, Math.min(bytes, 64L << 20));
            double throughput = Stats.median(rounds, () -> bytes / seconds(() -> bulkPut(http, uri, data, bytes)) / 1e6);
            byte[] small = new byte[4096];
            System.arraycopy(data, 0, small, 0, small.length);
            smallPuts(http, uri, small, smallRequests, clients, clientThreads);
            double requests = Stats.median(rounds, () -> smallRequests / seconds(
                    () -> smallPuts(http, uri, small, smallRequests, clients, clientThreads)));
            return new double[] {throughput, requests};
        } finally {
            clientThreads.shutdownNow();
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    private static void bulkPut(HttpClient http, URI uri, byte[] data, long bytes) throws Exception {
        check(http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> Payloads.repeating(data, bytes)), bytes)).build(),
                HttpResponse.BodyHandlers.discarding()));
    }

    private static void smallPuts(HttpClient http, URI uri, byte[] small, int smallRequests, int clients,
            ExecutorService clientThreads) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(clientThreads.submit(() -> {
                for (int i = client; i < smallRequests; i += clients) {
                    check(http.send(HttpRequest.newBuilder(uri.resolve("/sink/" + i))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(small)).build(),
                            HttpResponse.BodyHandlers.discarding()));
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }

    private static void check(HttpResponse<?> response) throws IOException {
        if (response.statusCode() != 204) {
            throw new IOException("the loopback sink answered " + response.statusCode());
        }
    }

    interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work} for about two seconds, so the JIT has compiled (and intrinsified) it. */
    private static void warmUp(Work work) throws Exception {
        long until = System.nanoTime() + 2_000_000_000L;
        do {
            work.run();
        } while (System.nanoTime() < until);
    }

    static double seconds(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }
}

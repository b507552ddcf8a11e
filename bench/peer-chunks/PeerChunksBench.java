import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/**
 * PUT and GET throughput of 4 MiB chunks against one peer agent on loopback, beside raw
 * write+fsync and read of the same bytes on the same disk, in the same run.
 *
 * Usage: java PeerChunksBench.java <peer quarkus-run.jar> <work dir on the disk to measure> [chunks]
 */
public class PeerChunksBench {

    static final int CHUNK = 4 * 1024 * 1024;
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 48;

        KeyPair key = ec();
        HttpServer jwks = jwksServer(key);
        String nodeId = "bench-node";
        int port = freePort();
        Path peerData = Files.createTempDirectory(work, "peer-");
        Path rawDir = Files.createTempDirectory(work, "raw-");

        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(work.resolve("peer.log").toFile());
        var env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "enabled");
        env.put("QUARKUS_HTTP_SSL_PORT", "0");
        env.put("P2PFS_PEER_DATA_DIR", peerData.toString());
        env.put("P2PFS_PEER_CAPACITY_BYTES", Long.toString((long) (count + 8) * CHUNK));
        env.put("P2PFS_PEER_ZONE", "bench");
        env.put("P2PFS_PEER_PUBLIC_URL", "http://127.0.0.1:" + port);
        env.put("P2PFS_METADATA_URL", "http://127.0.0.1:" + jwks.getAddress().getPort());
        env.put("P2PFS_PEER_MEMBERSHIP_ENABLED", "false");
        env.put("P2PFS_PEER_MEMBERSHIP_STANDALONE_NODE_ID", nodeId);
        env.put("P2PFS_PEER_PLACEMENT_ENABLED", "false");
        env.put("P2PFS_PEER_SCRUB_ENABLED", "false");
        env.put("P2PFS_KAFKA_CREATE_TOPICS", "false");
        env.put("QUARKUS_KAFKA_HEALTH_ENABLED", "false");
        env.put("QUARKUS_OIDC_PUBLIC_KEY", B64.encodeToString(key.getPublic().getEncoded()));
        Process peer = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitUp(http, port, peer);

            Random random = new Random(42);
            List<byte[]> chunks = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] chunk = new byte[CHUNK];
                random.nextBytes(chunk);
                chunks.add(chunk);
                ids.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chunk)));
            }
            double total = (double) count * CHUNK / (1024 * 1024);

            // raw: write + fsync each file, then read each back
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                try (FileChannel out = FileChannel.open(rawDir.resolve(ids.get(i)), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(chunks.get(i));
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
            }
            double rawWrite = total / seconds(t0);
            t0 = System.nanoTime();
            long sink = 0;
            for (int i = 0; i < count; i++) {
                sink += Files.readAllBytes(rawDir.resolve(ids.get(i))).length;
            }
            double rawRead = total / seconds(t0);

            // peer: PUT each chunk (hash + fsync + rename), then GET each back
            t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                HttpResponse<Void> put = http.send(HttpRequest.newBuilder(chunkUri(port, ids.get(i)))
                        .header("Chunk-Token", token(key, ids.get(i), "write", nodeId))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(chunks.get(i))).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (put.statusCode() != 201) {
                    throw new IllegalStateException("PUT answered " + put.statusCode());
                }
            }
            double peerPut = total / seconds(t0);
            t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(chunkUri(port, ids.get(i)))
                        .header("Chunk-Token", token(key, ids.get(i), "read", nodeId)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (get.statusCode() != 200 || get.body().length != CHUNK) {
                    throw new IllegalStateException("GET answered " + get.statusCode());
                }
                sink += get.body().length;
            }
            double peerGet = total / seconds(t0);

            System.out.printf("chunks: %d x 4 MiB (%.0f MiB), disk: %s%n", count, total, work);
            System.out.printf("raw write+fsync : %8.1f MiB/s%n", rawWrite);
            System.out.printf("peer PUT        : %8.1f MiB/s   ratio %.2f%n", peerPut, peerPut / rawWrite);
            System.out.printf("raw read        : %8.1f MiB/s%n", rawRead);
            System.out.printf("peer GET        : %8.1f MiB/s   ratio %.2f%n", peerGet, peerGet / rawRead);
            if (sink == 0) {
                System.out.println();
            }
        } finally {
            peer.destroy();
            peer.waitFor(20, TimeUnit.SECONDS);
            jwks.stop(0);
            deleteTree(peerData);
            deleteTree(rawDir);
        }
    }

    static URI chunkUri(int port, String id) {
        return URI.create("http://127.0.0.1:" + port + "/chunks/" + id);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String token(KeyPair key, String chunkId, String op, String nodeId) throws Exception {
        long now = Instant.now().getEpochSecond();
        String header = B64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"bench\"}"
                .getBytes(StandardCharsets.UTF_8));
        String claims = B64.encodeToString(("{\"iss\":\"urn:p2pfs:metadata\",\"sub\":\"" + chunkId + "\",\"op\":\"" + op
                + "\",\"aud\":\"" + nodeId + "\",\"iat\":" + now + ",\"exp\":" + (now + 120) + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(key.getPrivate());
        signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + B64.encodeToString(signer.sign());
    }

    static HttpServer jwksServer(KeyPair key) throws IOException {
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        String jwks = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"bench\",\"alg\":\"ES256\",\"use\":\"sig\",\"x\":\""
                + B64.encodeToString(fixed(pub.getW().getAffineX())) + "\",\"y\":\""
                + B64.encodeToString(fixed(pub.getW().getAffineY())) + "\"}]}";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    static byte[] fixed(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static void awaitUp(HttpClient http, int port, Process peer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!peer.isAlive()) {
                throw new IllegalStateException("the peer exited; see peer.log");
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the peer did not start");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

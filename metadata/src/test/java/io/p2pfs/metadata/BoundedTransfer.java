package io.p2pfs.metadata;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.transfer.Uploader;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A client program for the memory test: it runs in a JVM of its own with a small heap and moves
 * one generated file through the client library, up or down, printing one line of results.
 * Arguments: {@code upload <metadataUrl> <token> <path> <size> <seed> [insertAt insertLength insertSeed]}
 * or {@code download <metadataUrl> <token> <path>}.
 */
public final class BoundedTransfer {

    private BoundedTransfer() {
    }

    public static void main(String[] args) throws Exception {
        String token = args[2];
        try (P2pfsClient client = P2pfsClient.builder().metadata(args[1]).token(() -> token).build()) {
            if (args[0].equals("upload")) {
                long size = Long.parseLong(args[4]);
                long seed = Long.parseLong(args[5]);
                GeneratedContent content = args.length > 6
                        ? new GeneratedContent(size, seed, Long.parseLong(args[6]), Long.parseLong(args[7]),
                                Long.parseLong(args[8]))
                        : new GeneratedContent(size, seed);
                Uploader.Outcome outcome = client.upload(args[3], content, Uploader.Options.none());
                System.out.println("RESULT sha256=" + content.sha256() + " bytes=" + content.length() + " written="
                        + outcome.bytesWritten() + " chunks=" + outcome.result().chunks() + " sent="
                        + outcome.result().chunksSent() + " version=" + outcome.result().version()
                        + " heapMax=" + Runtime.getRuntime().maxMemory());
            } else {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                long[] count = new long[1];
                long bytes = client.download(args[3], new OutputStream() {
                    @Override
                    public void write(int b) {
                        digest.update((byte) b);
                        count[0]++;
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) {
                        digest.update(buffer, offset, length);
                        count[0] += length;
                    }
                });
                System.out.println("RESULT sha256=" + HexFormat.of().formatHex(digest.digest()) + " bytes=" + bytes
                        + " heapMax=" + Runtime.getRuntime().maxMemory());
            }
        }
    }
}

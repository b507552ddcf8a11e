package io.p2pfs.bench;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.transfer.Uploader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * p2pfs on its direct data path: the client library in this JVM chunks, encrypts and writes to
 * the local stack's peers itself (R=3, W=2 from the client, the third replica pulled by a peer),
 * and reads chunks from the peers in parallel; the metadata service only decides and records.
 * The namespace calls (mkdir, stat, list, delete) and the storage nodes' byte count are the
 * gateway system's, with the same login.
 */
final class P2pfsDirectSystem implements StorageSystem {

    private final P2pfsSystem gateway;
    private final P2pfsClient client;

    P2pfsDirectSystem(P2pfsSystem gateway, P2pfsSystem.Settings settings) {
        this.gateway = gateway;
        this.client = P2pfsClient.builder().metadata(settings.metadata().toString())
                .tracker(settings.tracker().toString()).trust(settings.stackDir().resolve("tls/ca.crt"))
                .token(gateway::token).build();
    }

    @Override
    public String name() {
        return "p2pfs direct";
    }

    /** The user's home directory, where the benchmark's files live (as the gateway system's). */
    String root() {
        return gateway.root();
    }

    @Override
    public String describe() {
        return "p2pfs direct: the client library in the harness JVM moves the chunks to and from the peers";
    }

    @Override
    public int replicationFactor() {
        return gateway.replicationFactor();
    }

    @Override
    public void mkdirs(String dir) throws Exception {
        gateway.mkdirs(dir);
    }

    @Override
    public WriteOutcome write(String path, Path source) throws Exception {
        try (InputStream in = Files.newInputStream(source)) {
            return upload(path, in);
        }
    }

    WriteOutcome upload(String path, InputStream content) throws Exception {
        Uploader.Outcome outcome = client.upload(path, content, Uploader.Options.none());
        return new WriteOutcome(outcome.result().size(), outcome.result().chunks(), outcome.result().chunksSent());
    }

    @Override
    public long read(String path) throws Exception {
        long[] total = new long[1];
        client.download(path, new OutputStream() {
            @Override
            public void write(int b) {
                total[0]++;
            }

            @Override
            public void write(byte[] buffer, int offset, int length) {
                total[0] += length;
            }
        });
        return total[0];
    }

    @Override
    public void writeSmall(String path, byte[] content) throws Exception {
        client.upload(path, new ByteArrayInputStream(content), new Uploader.Options(null, true, java.util.Set.of()));
    }

    @Override
    public void stat(String path) throws Exception {
        if (!"FILE".equals(client.stat(path).type())) {
            throw new java.io.IOException(path + " is not a file");
        }
    }

    @Override
    public void statAll(java.util.List<String> paths) throws Exception {
        for (io.p2pfs.client.api.NamespaceApi.StatResult result : client.stats(paths, false)) {
            if (result.stat() == null || !"FILE".equals(result.stat().type())) {
                throw new java.io.IOException(result.path() + " is not a file: " + result.problem());
            }
        }
    }

    @Override
    public int list(String dir) throws Exception {
        return gateway.list(dir);
    }

    @Override
    public void delete(String path) throws Exception {
        gateway.delete(path);
    }

    @Override
    public long bytesReceivedByStorageNodes() throws Exception {
        return gateway.bytesReceivedByStorageNodes();
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.p2pfs.metadata.datapath;

import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.problem.ServiceUnavailable;
import io.p2pfs.metadata.Db;
import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.tokens.ChunkTokenSigner;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Streams a version's content (design §5): chunks are fetched from their replicas with a
 * bounded parallel prefetch, decrypted (the GCM tag authenticates each one, so no hash pass is
 * spent), and written in order. A replica that fails or does not authenticate is skipped for
 * the next one and reported, which re-places the chunk elsewhere.
 */
@ApplicationScoped
public class DownloadStreamer {

    private final ReplicaDirectory replicas;
    private final ChunkTokenSigner tokens;
    private final PeerClient peers;
    private final ChunkExecutor executor;
    private final DataPathConfig.Placement placement;

    public DownloadStreamer(ReplicaDirectory replicas, ChunkTokenSigner tokens, PeerClient peers,
            ChunkExecutor executor, DataPathConfig.Placement placement) {
        this.replicas = replicas;
        this.tokens = tokens;
        this.peers = peers;
        this.executor = executor;
        this.placement = placement;
    }

    /** Where each chunk of a manifest can be read, looked up before the response starts. */
    public Map<String, List<ReplicaDirectory.Source>> sources(Manifest manifest) {
        List<String> distinct = manifest.chunks().stream().map(Manifest.ChunkRef::chunkId).distinct().toList();
        Map<String, List<ReplicaDirectory.Source>> sources = Db.inTransaction(
                session -> replicas.sources(session, distinct));
        for (String chunkId : distinct) {
            if (sources.getOrDefault(chunkId, List.of()).isEmpty()) {
                throw new ServiceUnavailable("A chunk of this file has no reachable replica right now.")
                        .withHeader("Retry-After", "30");
            }
        }
        return sources;
    }

    /** Writes bytes {@code [from, to)} of the content to {@code out}. */
    public void stream(Manifest manifest, Map<String, List<ReplicaDirectory.Source>> sources, long from, long to,
            OutputStream out) throws IOException {
        List<Slice> slices = new ArrayList<>();
        long offset = 0;
        for (Manifest.ChunkRef chunk : manifest.chunks()) {
            long end = offset + chunk.plainLength();
            if (end > from && offset < to) {
                slices.add(new Slice(chunk, (int) (Math.max(from, offset) - offset), (int) (Math.min(to, end) - offset)));
            }
            offset = end;
        }
        Deque<Future<byte[]>> window = new ArrayDeque<>();
        int next = 0;
        try {
            for (Slice slice : slices) {
                while (next < slices.size() && window.size() < placement.chunksInFlight()) {
                    Manifest.ChunkRef chunk = slices.get(next++).chunk();
                    window.add(executor.submit(() -> fetch(chunk, sources.get(chunk.chunkId()))));
                }
                byte[] plain = window.removeFirst().get();
                out.write(plain, slice.from(), slice.to() - slice.from());
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download interrupted");
        } catch (ExecutionException e) {
            throw new IOException("a chunk could not be read from any replica", e.getCause());
        } finally {
            window.forEach(f -> f.cancel(true));
        }
    }

    private byte[] fetch(Manifest.ChunkRef chunk, List<ReplicaDirectory.Source> sources) throws IOException {
        List<String> failures = new ArrayList<>();
        for (ReplicaDirectory.Source source : sources) {
            try {
                byte[] cipher = peers.get(source.url(), chunk.chunkId(),
                        tokens.sign(chunk.chunkId(), ChunkTokens.Op.read, source.nodeId()));
                return ChunkCipher.decrypt(chunk.key(), cipher, 0, cipher.length);
            } catch (ChunkCipher.BadChunk bad) {
                failures.add(source.nodeId() + ": " + bad.getMessage());
                report(chunk.chunkId(), source, "replica failed authentication");
            } catch (PeerClient.PeerFailure failure) {
                failures.add(failure.getMessage());
            }
        }
        throw new IOException("chunk " + chunk.chunkId() + " unreadable: " + failures);
    }

    /** Marks a bad replica and re-places the chunk, off the download's path. */
    private void report(String chunkId, ReplicaDirectory.Source source, String reason) {
        Log.warnf("Replica of chunk %s on node %s is bad (%s); re-placing", chunkId, source.nodeId(), reason);
        executor.submit(() -> Db.inTransaction(session -> replicas.replaceReplica(session, chunkId,
                source.nodeId(), reason)));
    }

    private record Slice(Manifest.ChunkRef chunk, int from, int to) {
    }
}

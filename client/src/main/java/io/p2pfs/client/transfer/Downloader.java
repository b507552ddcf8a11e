package io.p2pfs.client.transfer;

import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.chunks.ChunkCipher;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The download half of the chunk pipeline. The manifest comes in pages (with each chunk's key
 * and its replicas' read tokens); up to {@code readsInFlight} chunks are fetched at once, each
 * from the replica whose node has the fewest of this download's reads running, and decrypted on
 * the CPU pool, where the GCM tag authenticates it (no hash pass is spent). Bytes are written in
 * order. A replica that fails is skipped for the next one; one whose bytes do not authenticate,
 * or whose node says it lacks the chunk, is reported, and the metadata service checks it before
 * it acts. Read tokens live five minutes: a refused token gets the chunk's sources afresh.
 */
public final class Downloader {

    private final ChunkTransport transport;
    private final Executor cpu;
    private final Executor calls;
    private final TransferSettings settings;

    /**
     * {@code calls}: where blocking control-plane calls off the data path run (replica reports,
     * fresh read tokens), never on the transport's event loops.
     */
    public Downloader(ChunkTransport transport, Executor cpu, Executor calls, TransferSettings settings) {
        io.p2pfs.client.chunks.CryptoWarmup.start();
        this.transport = transport;
        this.cpu = cpu;
        this.calls = calls;
        this.settings = settings;
    }

    /**
     * Opens a download of bytes {@code [offset, offset + length)} of {@code path} ({@code version}
     * null: the current one; {@code length} null: to the end): the first manifest page is fetched
     * now, so access is checked and the version, size and ETag are known before any byte moves.
     */
    public Download open(ControlPlane control, String path, Integer version, long offset, Long length) {
        return new Download(control, path, control.manifest(path, version, offset, length));
    }

    /** An opened download: its first manifest page, and the transfer of its bytes. */
    public final class Download {
        private final ControlPlane control;
        private final String path;
        private final Downloads.ManifestPage first;
        private final Map<String, AtomicInteger> readsPerNode = new ConcurrentHashMap<>();

        Download(ControlPlane control, String path, Downloads.ManifestPage first) {
            this.control = control;
            this.path = path;
            this.first = first;
        }

        public Downloads.ManifestPage first() {
            return first;
        }

        /** Writes the range to {@code out}; returns the number of bytes written. */
        public long writeTo(OutputStream out) throws IOException {
            if (first.inline() != null) {
                byte[] content = java.util.Base64.getDecoder().decode(first.inline());
                out.write(content);
                out.flush();
                return content.length;
            }
            long from = first.offset();
            long to = first.offset() + first.length();
            Pages pages = new Pages();
            Deque<Fetch> window = new ArrayDeque<>();
            long written = 0;
            try {
                while (true) {
                    while (window.size() < settings.readsInFlight()) {
                        Downloads.ChunkLocation next = pages.next();
                        if (next == null) {
                            break;
                        }
                        Fetch fetch = new Fetch(next);
                        window.add(fetch);
                        fetch.start();
                    }
                    Fetch head = window.poll();
                    if (head == null) {
                        break;
                    }
                    byte[] plain = head.plain.get();
                    Downloads.ChunkLocation chunk = head.chunk;
                    int start = (int) (Math.max(from, chunk.offset()) - chunk.offset());
                    int end = (int) (Math.min(to, chunk.offset() + chunk.plainLength()) - chunk.offset());
                    out.write(plain, start, end - start);
                    written += end - start;
                }
                out.flush();
                return written;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("download interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IOException(e.getCause());
            } finally {
                window.forEach(f -> f.plain.cancel(false));
            }
        }

        /** The chunks of the range across manifest pages, each page fetched when the previous one is used up. */
        private final class Pages {
            private Downloads.ManifestPage page = first;
            private int index;

            Downloads.ChunkLocation next() {
                while (index == page.chunks().size()) {
                    if (page.next() == null) {
                        return null;
                    }
                    long end = first.offset() + first.length();
                    page = control.manifest(path, first.version(), page.next(), end - page.next());
                    index = 0;
                }
                return page.chunks().get(index++);
            }
        }

        /** One chunk: tried replica by replica until one gives bytes that authenticate. */
        private final class Fetch {
            final Downloads.ChunkLocation chunk;
            final CompletableFuture<byte[]> plain = new CompletableFuture<>();
            final List<String> failures = new ArrayList<>();
            List<Downloads.Source> remaining;
            boolean refreshed;

            Fetch(Downloads.ChunkLocation chunk) {
                this.chunk = chunk;
                this.remaining = new ArrayList<>(chunk.sources());
            }

            synchronized void start() {
                if (plain.isDone()) {
                    return;
                }
                Downloads.Source source = leastBusy();
                if (source == null) {
                    plain.completeExceptionally(P2pfsException.unavailable("No replica of chunk " + chunk.chunkId()
                            + " could be read (" + String.join("; ", failures) + ")."));
                    return;
                }
                remaining.remove(source);
                AtomicInteger reads = readsPerNode.computeIfAbsent(source.nodeId(), id -> new AtomicInteger());
                reads.incrementAndGet();
                CompletableFuture<byte[]> cipher;
                try {
                    cipher = transport.get(source.url(), chunk.chunkId(), source.readToken(),
                            chunk.plainLength() + ChunkCipher.TAG_BYTES);
                } catch (RuntimeException e) {
                    cipher = CompletableFuture.failedFuture(e);
                }
                cipher.whenComplete((bytes, error) -> {
                    reads.decrementAndGet();
                    if (error != null) {
                        calls.execute(() -> failed(source, error));
                    } else {
                        cpu.execute(() -> decrypt(source, bytes));
                    }
                });
            }

            private Downloads.Source leastBusy() {
                Downloads.Source best = null;
                int fewest = Integer.MAX_VALUE;
                for (Downloads.Source source : remaining) {
                    AtomicInteger reads = readsPerNode.get(source.nodeId());
                    int running = reads == null ? 0 : reads.get();
                    if (running < fewest) {
                        best = source;
                        fewest = running;
                    }
                }
                return best;
            }

            private void decrypt(Downloads.Source source, byte[] cipher) {
                try {
                    byte[] bytes = ChunkCipher.decrypt(Base64.getDecoder().decode(chunk.key()), cipher, 0,
                            cipher.length);
                    if (bytes.length != chunk.plainLength()) {
                        throw new ChunkCipher.BadChunk("length " + bytes.length + " instead of " + chunk.plainLength());
                    }
                    plain.complete(bytes);
                } catch (ChunkCipher.BadChunk bad) {
                    report(source, "replica failed authentication: " + bad.getMessage());
                    retry(source, "does not authenticate");
                } catch (RuntimeException e) {
                    plain.completeExceptionally(e);
                }
            }

            private synchronized void failed(Downloads.Source source, Throwable error) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof ChunkTransport.Refused refused) {
                    if ((refused.status() == 401 || refused.status() == 403) && !refreshed) {
                        // The read tokens may have expired: ask for this chunk's sources again.
                        refreshed = true;
                        if (refreshSources()) {
                            start();
                            return;
                        }
                    }
                    if (refused.status() == 404) {
                        report(source, "node does not hold the chunk");
                    }
                }
                retry(source, Uploader.describe(cause));
            }

            private synchronized void retry(Downloads.Source source, String why) {
                failures.add(source.nodeId() + ": " + why);
                start();
            }

            private boolean refreshSources() {
                try {
                    Downloads.ManifestPage fresh = control.manifest(path, first.version(), chunk.offset(), 1L);
                    for (Downloads.ChunkLocation location : fresh.chunks()) {
                        if (location.chunkId().equals(chunk.chunkId()) && location.offset() == chunk.offset()) {
                            remaining = new ArrayList<>(location.sources());
                            return true;
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add("fresh read tokens: " + Uploader.describe(e));
                }
                return false;
            }

            private void report(Downloads.Source source, String reason) {
                try {
                    calls.execute(() -> {
                        try {
                            control.report(new Downloads.ReplicaReport(chunk.chunkId(), source.nodeId(), reason));
                        } catch (RuntimeException ignored) {
                            // A report is advice; the download goes on without it.
                        }
                    });
                } catch (RuntimeException rejected) {
                    // the pool is full or closed: the download goes on without the report
                }
            }
        }
    }
}

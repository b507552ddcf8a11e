package io.p2pfs.client.transfer;

import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.chunks.ChunkCipher;
import io.p2pfs.client.chunks.FastCdc;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.spec.SecretKeySpec;

/**
 * The upload half of the chunk pipeline. The calling thread reads the content and cuts it with
 * FastCDC (hashing the whole content on the way); a CPU pool encrypts each chunk convergently
 * under the writer's key; a placer thread asks the metadata service, in batches, where the new
 * chunk ids go; each new chunk is written to the write quorum of its targets at once, a failed
 * target replaced by the next spare, and every storage receipt is kept. At most
 * {@code chunksInFlight} chunks are between the chunker and their last write, so memory stays
 * bounded whatever the file size. The commit sends the manifest and the receipts; on any failure
 * the session is aborted and nothing is committed.
 */
public final class Uploader {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pending END = new Pending(null, null);

    private final ChunkTransport transport;
    private final Executor cpu;
    private final TransferSettings settings;

    public Uploader(ChunkTransport transport, Executor cpu, TransferSettings settings) {
        io.p2pfs.client.chunks.CryptoWarmup.start();
        this.transport = transport;
        this.cpu = cpu;
        this.settings = settings;
    }

    /** Conditions of the upload and the lock tokens the caller presents. */
    public record Options(String ifMatch, boolean createOnly, Set<String> lockTokens) {
        public Options {
            lockTokens = lockTokens == null ? Set.of() : Set.copyOf(lockTokens);
        }

        public static Options none() {
            return new Options(null, false, Set.of());
        }
    }

    /**
     * The commit's result, and what this client sent: chunks written to storage nodes and their
     * ciphertext bytes, each replica counted, and how many writes failed and went to a spare.
     */
    public record Outcome(Uploads.Result result, int chunksWritten, long bytesWritten, int failedWrites) {
    }

    /**
     * Uploads {@code content} as a new version of {@code path}.
     *
     * @throws IOException the content could not be read to its end (nothing was committed)
     * @throws P2pfsException storage nodes failed (503), or what the control plane refused
     */
    public Outcome upload(ControlPlane control, String path, InputStream content, Options options)
            throws IOException {
        int small = settings.smallFileBytes();
        if (small > 0) {
            byte[] head = content.readNBytes(small + 1);
            if (head.length <= small) {
                Uploads.Result result = control.small(path, head, options.ifMatch(), options.createOnly(),
                        options.lockTokens());
                if (result != null) {
                    return new Outcome(result, 0, 0, 0);
                }
            }
            content = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), content);
        }
        Uploads.Session session = control.begin(new Uploads.Begin(path, options.ifMatch(), options.createOnly()),
                options.lockTokens());
        Run run = new Run(control, session);
        try {
            Uploads.Result result = run.transfer(content, options);
            return new Outcome(result, run.chunksWritten.get(), run.bytesWritten.get(), run.failedWrites.get());
        } catch (IOException | RuntimeException | Error e) {
            run.failed(e);
            try {
                control.abort(session.uploadId());
            } catch (RuntimeException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    /** One chunk of the file, in order: what the manifest needs, and when it is safely stored. */
    private static final class Slot {
        final int plainLength;
        final CompletableFuture<Void> stored = new CompletableFuture<>();
        volatile String chunkId;
        volatile String plainHash;

        Slot(int plainLength) {
            this.plainLength = plainLength;
        }
    }

    /** An encrypted chunk waiting for its placement. */
    private record Pending(Slot slot, ChunkCipher.Sealed sealed) {
    }

    private final class Run {
        final ControlPlane control;
        final Uploads.Session session;
        final SecretKeySpec convergence;
        final int writeQuorum;
        final Semaphore window = new Semaphore(settings.chunksInFlight());
        final BlockingQueue<Pending> toPlace = new LinkedBlockingQueue<>();
        final Map<String, CompletableFuture<Void>> firstOfId = new HashMap<>();
        final ConcurrentLinkedQueue<String> receipts = new ConcurrentLinkedQueue<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger chunksWritten = new AtomicInteger();
        final AtomicLong bytesWritten = new AtomicLong();
        final AtomicInteger failedWrites = new AtomicInteger();

        Run(ControlPlane control, Uploads.Session session) {
            this.control = control;
            this.session = session;
            this.convergence = new SecretKeySpec(Base64.getDecoder().decode(session.convergenceKey().key()),
                    "HmacSHA256");
            this.writeQuorum = session.writeQuorum();
        }

        Uploads.Result transfer(InputStream content, Options options) throws IOException {
            Uploads.Chunking chunking = session.chunking();
            // Cut points keyed by the writer's convergence key: the same for all it stores, unknown to others.
            FastCdc.Stream stream = new FastCdc(chunking.min(), chunking.avg(), chunking.max(),
                    FastCdc.gear(convergence)).stream(content);
            MessageDigest whole = sha256();
            List<Slot> slots = new ArrayList<>();
            List<CompletableFuture<Void>> encrypted = new ArrayList<>();
            Thread placer = Thread.ofPlatform().name("p2pfs-placer-" + session.uploadId()).daemon()
                    .start(this::placeAll);
            try {
                byte[] plain;
                while ((plain = stream.next()) != null) {
                    whole.update(plain);
                    acquireWindow();
                    Slot slot = new Slot(plain.length);
                    slots.add(slot);
                    byte[] chunk = plain;
                    encrypted.add(CompletableFuture.runAsync(() -> encrypt(slot, chunk), cpu));
                }
                awaitAll(encrypted);
            } finally {
                toPlace.add(END);
            }
            join(placer);
            awaitAll(slots.stream().map(s -> s.stored).toList());
            rethrowFailure();
            List<Uploads.ManifestEntry> manifest = slots.stream()
                    .map(s -> new Uploads.ManifestEntry(s.chunkId, s.plainHash, s.plainLength)).toList();
            return control.commit(session.uploadId(), new Uploads.Commit(manifest, List.copyOf(receipts),
                    HEX.formatHex(whole.digest())), options.lockTokens());
        }

        private void encrypt(Slot slot, byte[] plain) {
            try {
                ChunkCipher.Sealed sealed = ChunkCipher.encrypt(convergence, plain, plain.length);
                slot.chunkId = HEX.formatHex(sealed.chunkId());
                slot.plainHash = HEX.formatHex(sealed.plainHash());
                toPlace.add(new Pending(slot, sealed));
            } catch (RuntimeException | Error e) {
                failed(e);
                throw e;
            }
        }

        /** The placer thread: batches of ready chunks to the control plane, then their writes. */
        private void placeAll() {
            boolean end = false;
            while (!end) {
                List<Pending> batch = new ArrayList<>();
                try {
                    batch.add(toPlace.take());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed(e);
                    return;
                }
                toPlace.drainTo(batch, Math.max(0, session.maxChunksPerPlacement() - 1));
                end = batch.remove(END);
                if (failure.get() != null) {
                    batch.forEach(p -> p.slot().stored.cancel(false));
                    continue;
                }
                try {
                    place(batch);
                } catch (RuntimeException | Error e) {
                    failed(e);
                    batch.forEach(p -> p.slot().stored.completeExceptionally(e));
                }
            }
        }

        private void place(List<Pending> batch) {
            List<Pending> ask = new ArrayList<>();
            for (Pending pending : batch) {
                CompletableFuture<Void> first = firstOfId.putIfAbsent(pending.slot().chunkId, pending.slot().stored);
                if (first != null) {
                    // The same chunk again in this file: stored once, referenced twice.
                    window.release();
                    first.whenComplete((v, e) -> complete(pending.slot().stored, e));
                } else {
                    ask.add(pending);
                }
            }
            if (ask.isEmpty()) {
                return;
            }
            Uploads.Placements answer = control.place(session.uploadId(), new Uploads.PlacementRequest(ask.stream()
                    .map(p -> new Uploads.ChunkToPlace(p.slot().chunkId, p.sealed().cipher().length)).toList()));
            Map<String, Uploads.ChunkPlacement> byId = new HashMap<>();
            for (Uploads.ChunkPlacement placement : answer.chunks()) {
                byId.put(placement.chunkId(), placement);
            }
            for (Pending pending : ask) {
                Uploads.ChunkPlacement placement = byId.get(pending.slot().chunkId);
                if (placement == null) {
                    throw new IllegalStateException("the placement answer lacks chunk " + pending.slot().chunkId);
                }
                if (placement.stored()) {
                    window.release();
                    pending.slot().stored.complete(null);
                } else {
                    new QuorumWrite(pending, placement.targets()).start();
                }
            }
        }

        /** Writes one chunk to the first {@code writeQuorum} targets at once, spares replacing failures. */
        private final class QuorumWrite {
            final Pending pending;
            final List<Uploads.Target> targets;
            final List<String> failures = new ArrayList<>();
            int next;
            int running;
            int succeeded;
            boolean finished;

            QuorumWrite(Pending pending, List<Uploads.Target> targets) {
                this.pending = pending;
                this.targets = targets == null ? List.of() : targets;
            }

            synchronized void start() {
                if (targets.size() < writeQuorum) {
                    finish(P2pfsException.unavailable("Only " + targets.size() + " storage node(s) can take chunk "
                            + pending.slot().chunkId + "; " + writeQuorum + " are needed. Nothing was committed."));
                    return;
                }
                while (!finished && running + succeeded < writeQuorum && next < targets.size()) {
                    launch();
                }
            }

            private void launch() {
                Uploads.Target target = targets.get(next++);
                running++;
                byte[] cipher = pending.sealed().cipher();
                CompletableFuture<String> put;
                try {
                    put = transport.put(target.url(), pending.slot().chunkId, target.writeToken(), cipher);
                } catch (RuntimeException e) {
                    put = CompletableFuture.failedFuture(e);
                }
                put.whenComplete((receipt, error) -> written(target, receipt, error));
            }

            private synchronized void written(Uploads.Target target, String receipt, Throwable error) {
                running--;
                if (finished) {
                    return;
                }
                if (error == null) {
                    receipts.add(receipt);
                    succeeded++;
                    chunksWritten.incrementAndGet();
                    bytesWritten.addAndGet(pending.sealed().cipher().length);
                    if (succeeded == writeQuorum) {
                        finish(null);
                    }
                    return;
                }
                failures.add(target.nodeId() + ": " + describe(error));
                failedWrites.incrementAndGet();
                if (failure.get() == null && next < targets.size() && running + succeeded < writeQuorum) {
                    launch();
                } else if (running == 0) {
                    finish(P2pfsException.unavailable("Only " + succeeded + " of the " + writeQuorum
                            + " storage nodes needed accepted chunk " + pending.slot().chunkId + " ("
                            + String.join("; ", failures) + "). Nothing was committed."));
                }
            }

            private void finish(Throwable error) {
                finished = true;
                window.release();
                if (error != null) {
                    failed(error);
                }
                complete(pending.slot().stored, error);
            }
        }

        void failed(Throwable error) {
            if (failure.compareAndSet(null, error)) {
                // Wake a reader waiting for room in the window.
                window.release(settings.chunksInFlight());
            }
        }

        private void acquireWindow() throws IOException {
            try {
                while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    rethrowFailure();
                }
                rethrowFailure();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("upload interrupted", e);
            }
        }

        private void rethrowFailure() throws IOException {
            Throwable error = failure.get();
            if (error == null) {
                return;
            }
            if (error instanceof IOException io) {
                throw io;
            }
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (error instanceof Error fatal) {
                throw fatal;
            }
            throw new IOException(error);
        }

        private void awaitAll(List<CompletableFuture<Void>> futures) throws IOException {
            try {
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("upload interrupted", e);
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                rethrowFailure();
                throw new IOException("upload failed", e.getCause() != null ? e.getCause() : e);
            }
        }

        private void join(Thread thread) throws IOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("upload interrupted", e);
            }
        }
    }

    private static void complete(CompletableFuture<Void> future, Throwable error) {
        if (error == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(error);
        }
    }

    static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

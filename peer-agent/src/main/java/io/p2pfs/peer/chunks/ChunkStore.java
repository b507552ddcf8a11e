package io.p2pfs.peer.chunks;

import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.problem.InsufficientStorage;
import io.p2pfs.common.problem.PayloadTooLarge;
import io.p2pfs.common.problem.Unprocessable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A content-addressed chunk store on local disk, free of framework types.
 *
 * <p>On-disk layout under the data directory:
 * <pre>
 *   chunks/ab/cd/abcd…   a stored chunk, named by its id (hex SHA-256 of its bytes)
 *   tmp/&lt;id&gt;.&lt;uuid&gt;.part   a write in progress; removed at start (a crash leftover)
 *   quarantine/&lt;id&gt;.&lt;time&gt;   a chunk the scrubber found corrupt, kept for inspection
 * </pre>
 * A write is hashed first and refused unless the hash is the id, then written to {@code tmp/},
 * forced to disk, and renamed into {@code chunks/} in one atomic step (same file system), so a
 * reader sees either no chunk or the whole verified chunk. Concurrent writes of one chunk each
 * use their own temporary file; the first rename wins and the rest are discarded.
 *
 * <p>Blocking: every method does file I/O and must run off the event loop.
 */
public final class ChunkStore {

    private static final int BUFFER = 128 * 1024;
    private static final int LOCK_STRIPES = 256;

    /** How a write ended, and the chunk's size. */
    public record Outcome(boolean created, long size) {
    }

    public record Entry(String chunkId, long size) {
    }

    private final Path chunksDir;
    private final Path tmpDir;
    private final Path quarantineDir;
    private final long capacityBytes;
    private final long maxChunkBytes;
    private final boolean fsync;
    private final ConcurrentSkipListMap<String, Long> inventory = new ConcurrentSkipListMap<>();
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final Object[] locks = new Object[LOCK_STRIPES];

    public ChunkStore(Path dataDir, long capacityBytes, long maxChunkBytes, boolean fsync) {
        this.chunksDir = dataDir.resolve("chunks");
        this.tmpDir = dataDir.resolve("tmp");
        this.quarantineDir = dataDir.resolve("quarantine");
        this.capacityBytes = capacityBytes;
        this.maxChunkBytes = maxChunkBytes;
        this.fsync = fsync;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** Creates the directories, removes leftover temporary files and counts the inventory. */
    public int open() throws IOException {
        Files.createDirectories(chunksDir);
        Files.createDirectories(tmpDir);
        Files.createDirectories(quarantineDir);
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmpDir)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                removed++;
            }
        }
        try (Stream<Path> files = Files.walk(chunksDir, 3)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = file.getFileName().toString();
                if (ChunkId.isValid(name) && file.equals(pathOf(name))) {
                    long size = Files.size(file);
                    inventory.put(name, size);
                    usedBytes.addAndGet(size);
                }
            }
        }
        return removed;
    }

    /**
     * Stores the chunk {@code body} (the whole body, in memory) unless it is already here. The
     * body is hashed first either way: a chunk already held is acknowledged only for a body that
     * is that chunk, so an answer never confirms a chunk to a sender who does not have its bytes,
     * and a body that is not its chunk never reaches the disk.
     *
     * @throws PayloadTooLarge over the maximum chunk size
     * @throws InsufficientStorage over capacity or when the disk is full
     * @throws Unprocessable the body's SHA-256 is not the chunk id (nothing is kept)
     */
    public Outcome put(ChunkId chunkId, ByteBuffer body) throws IOException {
        int size = body.remaining();
        if (size > maxChunkBytes) {
            throw tooLarge();
        }
        MessageDigest sha256 = sha256();
        sha256.update(body.duplicate());
        if (!ChunkId.of(sha256.digest()).equals(chunkId)) {
            throw new Unprocessable("The body's SHA-256 is not the chunk id; nothing was stored.");
        }
        if (inventory.containsKey(chunkId.hex())) {
            touch(chunkId);
            return new Outcome(false, size);
        }
        reserve(size);
        Path temp = tmpDir.resolve(chunkId.hex() + "." + UUID.randomUUID() + ".part");
        try {
            write(temp, body.duplicate());
            synchronized (lockFor(chunkId.hex())) {
                if (inventory.containsKey(chunkId.hex())) {
                    touch(chunkId);
                    return new Outcome(false, size);
                }
                Path target = pathOf(chunkId.hex());
                Files.createDirectories(target.getParent());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                if (fsync) {
                    forceDirectory(target.getParent());
                }
                inventory.put(chunkId.hex(), (long) size);
                usedBytes.addAndGet(size);
                return new Outcome(true, size);
            }
        } catch (IOException e) {
            if (isDiskFull(e)) {
                throw new InsufficientStorage("The node's disk is full.");
            }
            throw e;
        } finally {
            reservedBytes.addAndGet(-size);
            Files.deleteIfExists(temp);
        }
    }

    /** Writes the whole buffer in one go (whole pages: the file system zeroes none first) and forces it. */
    private void write(Path temp, ByteBuffer body) throws IOException {
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (body.hasRemaining()) {
                out.write(body);
            }
            if (fsync) {
                out.force(true);
            }
        }
    }

    private void reserve(long bytes) {
        long after = reservedBytes.addAndGet(bytes);
        if (usedBytes.get() + after > capacityBytes) {
            reservedBytes.addAndGet(-bytes);
            throw new InsufficientStorage("The node has no room for " + bytes + " more bytes (capacity "
                    + capacityBytes + ", used " + usedBytes.get() + ").");
        }
    }

    /** The file of a stored chunk, if this node holds it. */
    public Optional<Path> find(ChunkId chunkId) {
        if (!inventory.containsKey(chunkId.hex())) {
            return Optional.empty();
        }
        return Optional.of(pathOf(chunkId.hex()));
    }

    public Optional<Long> size(ChunkId chunkId) {
        return Optional.ofNullable(inventory.get(chunkId.hex()));
    }

    public boolean contains(ChunkId chunkId) {
        return inventory.containsKey(chunkId.hex());
    }

    /**
     * Marks a chunk held as written now: a write of a chunk already here (another upload, another
     * placement) counts as a fresh write, so a delete decided before it keeps the chunk.
     */
    public void touch(ChunkId chunkId) {
        try {
            Files.setLastModifiedTime(pathOf(chunkId.hex()), java.nio.file.attribute.FileTime.from(Instant.now()));
        } catch (IOException gone) {
            // deleted meanwhile: the caller sees it missing on its next look
        }
    }

    /** When the chunk was last written (or written again); empty when it is not here. */
    public Optional<Instant> writtenAt(ChunkId chunkId) {
        try {
            return inventory.containsKey(chunkId.hex())
                    ? Optional.of(Files.getLastModifiedTime(pathOf(chunkId.hex())).toInstant()) : Optional.empty();
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /**
     * Removes a chunk, and any copy of it in quarantine (metadata asks for the delete once the
     * chunk is whole elsewhere, so the corrupt copy kept for inspection has served); false when
     * neither was here.
     */
    public boolean delete(ChunkId chunkId) throws IOException {
        synchronized (lockFor(chunkId.hex())) {
            boolean removed = false;
            try (var quarantinedCopies = Files.newDirectoryStream(quarantineDir, chunkId.hex() + ".*")) {
                for (Path copy : quarantinedCopies) {
                    removed |= Files.deleteIfExists(copy);
                }
            }
            Long size = inventory.remove(chunkId.hex());
            if (size == null) {
                return removed;
            }
            Files.deleteIfExists(pathOf(chunkId.hex()));
            usedBytes.addAndGet(-size);
            return true;
        }
    }

    /** Moves a corrupt chunk out of service into {@code quarantine/}; false when it was not here. */
    public boolean quarantine(ChunkId chunkId) throws IOException {
        synchronized (lockFor(chunkId.hex())) {
            Long size = inventory.remove(chunkId.hex());
            if (size == null) {
                return false;
            }
            Path target = quarantineDir.resolve(chunkId.hex() + "." + Instant.now().toEpochMilli());
            try {
                Files.move(pathOf(chunkId.hex()), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                // already removed by hand: nothing left to keep
            }
            usedBytes.addAndGet(-size);
            quarantined.incrementAndGet();
            return true;
        }
    }

    /** Recomputes the chunk's SHA-256 from disk, reading at most as fast as {@code throttle} allows. */
    public boolean verify(ChunkId chunkId, Throttled throttle) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = Files.newInputStream(pathOf(chunkId.hex()))) {
            byte[] buffer = new byte[BUFFER];
            int read;
            while ((read = in.read(buffer)) != -1) {
                sha256.update(buffer, 0, read);
                throttle.consumed(read);
            }
        }
        return ChunkId.of(sha256.digest()).equals(chunkId);
    }

    /** Callback of {@link #verify} after each block read (for rate limiting). */
    public interface Throttled {
        void consumed(long bytes);
    }

    /** Up to {@code limit} chunk ids after {@code after} (exclusive), in id order. */
    public List<Entry> page(String after, int limit) {
        Map<String, Long> tail = after == null ? inventory : inventory.tailMap(after, false);
        return tail.entrySet().stream().limit(limit).map(e -> new Entry(e.getKey(), e.getValue())).toList();
    }

    public List<String> ids() {
        return List.copyOf(inventory.keySet());
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    public long chunkCount() {
        return inventory.size();
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public long quarantinedCount() {
        return quarantined.get();
    }

    public long maxChunkBytes() {
        return maxChunkBytes;
    }

    /** {@code chunks/ab/cd/<id>}: two levels of 256 keep directories small at millions of chunks. */
    public Path pathOf(String hex) {
        return chunksDir.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    private PayloadTooLarge tooLarge() {
        return new PayloadTooLarge("A chunk is at most " + maxChunkBytes + " bytes.");
    }

    private Object lockFor(String hex) {
        return locks[Integer.parseInt(hex.substring(0, 2), 16) % LOCK_STRIPES];
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static boolean isDiskFull(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("No space left on device");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

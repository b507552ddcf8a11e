package io.p2pfs.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * One of the two systems under comparison, seen by the workloads. Paths are absolute and
 * {@code /}-separated below the system's own benchmark root. Implementations are thread-safe
 * for the small-file calls, which the workloads make from several client threads at once.
 */
interface StorageSystem extends AutoCloseable {

    String name();

    /** Version and set-up, for the report. */
    String describe();

    int replicationFactor();

    void mkdirs(String dir) throws Exception;

    /** Writes the whole of {@code source} as {@code path}, replacing what is there. */
    WriteOutcome write(String path, Path source) throws Exception;

    /** Reads the whole file, discarding the bytes; returns how many were read. */
    long read(String path) throws Exception;

    void writeSmall(String path, byte[] content) throws Exception;

    void stat(String path) throws Exception;

    /**
     * The stats of all {@code paths}, each of which must be a file, in as few calls as the
     * system offers. HDFS has no call for many given paths (its batched listing takes
     * directories), so by default each path is one {@link #stat}.
     */
    default void statAll(List<String> paths) throws Exception {
        for (String path : paths) {
            stat(path);
        }
    }

    /** Lists a directory completely; returns the number of entries. */
    int list(String dir) throws Exception;

    void delete(String path) throws Exception;

    /**
     * Bytes the storage nodes have received since the system started, once everything already
     * written has settled (asynchronous replicas included); -1 when this cannot be observed.
     */
    long bytesReceivedByStorageNodes() throws Exception;

    /** What one write reported about itself (p2pfs: chunks and chunks sent; HDFS: nothing). */
    record WriteOutcome(long size, int chunks, int chunksSent) {
        static WriteOutcome of(long size) {
            return new WriteOutcome(size, -1, -1);
        }
    }
}

package io.p2pfs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.apache.hadoop.hdfs.server.datanode.metrics.DataNodeMetrics;
import org.apache.hadoop.metrics2.lib.MutableCounterLong;
import org.apache.hadoop.util.VersionInfo;

/**
 * HDFS as users run it by default, in this JVM: a {@code MiniDFSCluster} with one NameNode and
 * three DataNodes on loopback, their storage on local disk under the given folder, replication 3,
 * default block size and checksums. Each client thread gets its own {@link FileSystem} instance,
 * as separate client processes would.
 */
final class HdfsSystem implements StorageSystem {

    private static final int BUFFER = 1 << 20;

    private final MiniDFSCluster cluster;
    private final Configuration conf;
    private final FileSystem fs;
    private final ThreadLocal<FileSystem> clients;
    private final java.util.List<FileSystem> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Field bytesWritten;

    HdfsSystem(Path baseDir) throws IOException {
        Files.createDirectories(baseDir);
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toAbsolutePath().toString());
        conf.setInt("dfs.replication", 3);
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        cluster = new MiniDFSCluster.Builder(conf, baseDir.toFile()).numDataNodes(3).format(true).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
        clients = ThreadLocal.withInitial(() -> {
            try {
                FileSystem client = FileSystem.newInstance(fs.getUri(), conf);
                opened.add(client);
                return client;
            } catch (IOException e) {
                throw new IllegalStateException("cannot open an HDFS client", e);
            }
        });
        try {
            bytesWritten = DataNodeMetrics.class.getDeclaredField("bytesWritten");
            bytesWritten.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this Hadoop's DataNodeMetrics has no bytesWritten counter", e);
        }
    }

    @Override
    public String name() {
        return "HDFS";
    }

    @Override
    public String describe() {
        return "HDFS " + VersionInfo.getVersion() + " MiniDFSCluster, 1 NameNode + 3 DataNodes in one JVM, loopback, "
                + "replication 3, block size " + (fs.getDefaultBlockSize(new org.apache.hadoop.fs.Path("/")) >> 20)
                + " MiB, no encryption, DataNodes do not fsync on close (the default)";
    }

    @Override
    public int replicationFactor() {
        return 3;
    }

    @Override
    public void mkdirs(String dir) throws IOException {
        fs.mkdirs(new org.apache.hadoop.fs.Path(dir));
    }

    @Override
    public WriteOutcome write(String path, Path source) throws IOException {
        long size = 0;
        try (InputStream in = Files.newInputStream(source);
                FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(path), true)) {
            size = copy(in, out);
        }
        return WriteOutcome.of(size);
    }

    @Override
    public long read(String path) throws IOException {
        try (FSDataInputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return copy(in, OutputStream.nullOutputStream());
        }
    }

    @Override
    public void writeSmall(String path, byte[] content) throws IOException {
        try (FSDataOutputStream out = clients.get().create(new org.apache.hadoop.fs.Path(path), false)) {
            out.write(content);
        }
    }

    @Override
    public void stat(String path) throws IOException {
        FileStatus status = clients.get().getFileStatus(new org.apache.hadoop.fs.Path(path));
        if (!status.isFile()) {
            throw new IllegalStateException(path + " is not a file");
        }
    }

    @Override
    public int list(String dir) throws IOException {
        return clients.get().listStatus(new org.apache.hadoop.fs.Path(dir)).length;
    }

    @Override
    public void delete(String path) throws IOException {
        fs.delete(new org.apache.hadoop.fs.Path(path), true);
    }

    /** Sum of the DataNodes' own {@code BytesWritten} counters (every replica of every block). */
    @Override
    public long bytesReceivedByStorageNodes() throws Exception {
        long total = 0;
        for (DataNode dataNode : cluster.getDataNodes()) {
            total += ((MutableCounterLong) bytesWritten.get(dataNode.getMetrics())).value();
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        for (FileSystem client : opened) {
            client.close();
        }
        fs.close();
        cluster.shutdown(true);
    }

    private static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) != -1) {
            out.write(buffer, 0, read);
            total += read;
        }
        return total;
    }
}

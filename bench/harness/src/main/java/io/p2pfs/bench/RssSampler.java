package io.p2pfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Samples a process's resident set size (VmRSS in /proc) every 50 ms and keeps the peak. */
final class RssSampler implements AutoCloseable {

    private final long pid;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakKib;

    private RssSampler(long pid) {
        this.pid = pid;
        this.peakKib = rssKib(pid);
        this.thread = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
            while (running) {
                peakKib = Math.max(peakKib, rssKib(pid));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    static RssSampler start(long pid) {
        return new RssSampler(pid);
    }

    /** Peak RSS in MiB since start. */
    double peakMib() {
        return peakKib / 1024.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        peakKib = Math.max(peakKib, rssKib(pid));
    }

    static double currentMib(long pid) {
        return rssKib(pid) / 1024.0;
    }

    static long rssKib(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The JVM of a part of the local stack: the pid in {@code .local/pids/<part>.pid} is that of
     * the process group {@code deploy/local/up} started; the JVM is that process or one in its group.
     */
    static long javaPidOf(Path stackDir, String part) throws IOException {
        long leader = Long.parseLong(Files.readString(stackDir.resolve("pids/" + part + ".pid")).trim());
        if (cmdline(leader).contains("java")) {
            return leader;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Long::parseLong)
                    .filter(p -> processGroup(p) == leader && cmdline(p).contains("java")).findFirst()
                    .orElseThrow(() -> new IOException("no JVM in process group " + leader + " of " + part));
        }
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}

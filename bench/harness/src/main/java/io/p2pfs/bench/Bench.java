package io.p2pfs.bench;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * One benchmark run: the machine's limits, then every workload on p2pfs and HDFS one after the
 * other (the order flips each round), for several rounds; reports medians. Figures are only ever
 * compared with figures of the same run.
 */
public final class Bench {

    enum Metric {
        WRITE, READ, CREATES, CREATE_P99, STATS, STAT_P99, BULK_STATS, BULK_STAT_P99, LIST, LIST_P99, INCREMENTAL,
        DB_CREATE_STATEMENTS, DB_CREATE_COMMITS, DB_STAT_STATEMENTS, DB_LIST_STATEMENTS
    }

    private final BenchOptions options;
    private final Map<Metric, Map<String, List<Double>>> results = new EnumMap<>(Metric.class);
    private final Map<String, List<String>> incrementalNotes = new LinkedHashMap<>();
    private final String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
            .format(Instant.now());
    private Long metadataPid;
    private final Map<String, Double> metadataPeakDuringLarge = new LinkedHashMap<>();
    // Content is new in every run: p2pfs deduplicates chunks it already holds, also from earlier runs.
    private final long seed = new java.security.SecureRandom().nextLong();
    private String loadAtStart;
    private DbCounters counters;

    Bench(BenchOptions options) {
        this.options = options;
        for (Metric metric : Metric.values()) {
            results.put(metric, new LinkedHashMap<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("p2pfs.project.root", ".")).toAbsolutePath().normalize();
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, root);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Report report = new Bench(options).run();
        System.out.println();
        System.out.print(report.text());
        if (options.doc() != null) {
            report.writeInto(options.doc(), heading(options));
            System.out.println("written into " + root.relativize(options.doc().toAbsolutePath().normalize()));
        }
        // Hadoop leaves non-daemon threads behind after shutdown.
        System.exit(0);
    }

    static String heading(BenchOptions options) {
        return "## p2pfs beside HDFS (" + DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC)
                .format(Instant.now()) + ", `bench/run` with " + describeSizes(options) + ")";
    }

    private static String describeSizes(BenchOptions o) {
        return String.format(Locale.ROOT, "`--size-mib %d --rounds %d --small-files %d --memory-mib %d`%s",
                o.sizeMib(), o.rounds(), o.smallFiles(), o.memoryMib(), o.p2pfs() ? "" : " `--no-p2pfs`");
    }

    Report run() throws Exception {
        loadAtStart = loadAverage();
        Files.createDirectories(options.workDir());
        log("machine limits (%d MiB probes, %d rounds)", Math.min(options.sizeMib(), 1024), options.rounds());
        Limits.Measured limits = Limits.measure(options.workDir(), Math.min(options.sizeBytes(), 1L << 30),
                options.smallFiles(), options.clients(), options.rounds());
        List<StorageSystem> systems = new ArrayList<>();
        Path hdfsDir = options.workDir().resolve("hdfs");
        deleteTree(hdfsDir);
        log("starting HDFS MiniDFSCluster (3 DataNodes) under %s", hdfsDir);
        HdfsSystem hdfs = new HdfsSystem(hdfsDir);
        P2pfsSystem p2pfs = null;
        P2pfsDirectSystem direct = null;
        Report report = new Report();
        try {
            if (options.p2pfs()) {
                P2pfsSystem.Settings settings = new P2pfsSystem.Settings(options.metadata(), options.tracker(),
                        options.keycloak(), options.user(), options.password(), options.stackDir());
                p2pfs = new P2pfsSystem(settings);
                direct = new P2pfsDirectSystem(p2pfs, settings);
                metadataPid = RssSampler.javaPidOf(options.stackDir(), "metadata");
                counters = new DbCounters(Path.of(System.getProperty("p2pfs.project.root", ".")), "p2pfs_metadata");
                p2pfs.bytesReceivedByStorageNodes();
                systems.add(direct);
                systems.add(p2pfs);
            }
            systems.add(hdfs);
            for (StorageSystem system : systems) {
                system.mkdirs(base(system));
            }
            for (int round = 0; round < options.rounds(); round++) {
                List<StorageSystem> order = new ArrayList<>(systems);
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                if (options.runs("large")) {
                    largeFile(order, round);
                }
                if (options.runs("small")) {
                    smallFiles(order, round);
                }
                if (options.runs("incremental")) {
                    incremental(order, round);
                }
            }
            Double gatewayPeak = null;
            Double directPeak = null;
            double baseline = 0;
            if (p2pfs != null && options.memoryMib() > 0 && options.runs("memory")) {
                baseline = RssSampler.currentMib(metadataPid);
                P2pfsSystem gateway = p2pfs;
                P2pfsDirectSystem client = direct;
                directPeak = memory(direct, (path, bytes) -> client.upload(path, Payloads.randomStream(bytes,
                        seed + 4001)));
                gatewayPeak = memory(p2pfs, (path, bytes) -> gateway.upload(path,
                        HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                () -> Payloads.randomStream(bytes, seed + 4000)), bytes)));
            }
            fill(report, limits, hdfs, p2pfs, directPeak, gatewayPeak, baseline);
        } finally {
            if (direct != null) {
                direct.close();
            }
            if (p2pfs != null) {
                p2pfs.close();
            }
            hdfs.close();
        }
        return report;
    }

    private String base(StorageSystem system) {
        return switch (system) {
            case P2pfsSystem gateway -> gateway.root() + "/bench-" + runId;
            case P2pfsDirectSystem direct -> direct.root() + "/bench-" + runId + "-direct";
            default -> "/bench-" + runId;
        };
    }

    /**
     * A seed of its own per system: p2pfs's direct and gateway paths write as the same user,
     * whose chunks dedupe, so the same content would cost the second path nothing to send.
     */
    private long seedFor(StorageSystem system, long offset) {
        return seed + offset + 100_000L * (system.name().hashCode() & 0xffff);
    }

    private void largeFile(List<StorageSystem> order, int round) throws Exception {
        for (StorageSystem system : order) {
            Path file = Payloads.randomFile(options.workDir().resolve("large.bin"), options.sizeBytes(),
                    seedFor(system, 1000 + round));
            String path = base(system) + "/large-" + round + ".bin";
            boolean p2pfs = system instanceof P2pfsSystem || system instanceof P2pfsDirectSystem;
            RssSampler sampler = p2pfs && round == 0 ? RssSampler.start(metadataPid) : null;
            double write = Limits.seconds(() -> system.write(path, file));
            if (sampler != null) {
                sampler.close();
                metadataPeakDuringLarge.put(system.name(), sampler.peakMib());
            }
            long[] read = new long[1];
            double readSeconds = Limits.seconds(() -> read[0] = system.read(path));
            if (read[0] != options.sizeBytes()) {
                throw new IllegalStateException(system.name() + " read back " + read[0] + " of "
                        + options.sizeBytes() + " bytes of " + path);
            }
            record(Metric.WRITE, system, options.sizeBytes() / write / 1e6);
            record(Metric.READ, system, options.sizeBytes() / readSeconds / 1e6);
            log("round %d %-13s large file: write %.1f MB/s, read %.1f MB/s", round + 1, system.name(),
                    options.sizeBytes() / write / 1e6, options.sizeBytes() / readSeconds / 1e6);
            system.delete(path);
            Files.delete(file);
        }
    }

    private void smallFiles(List<StorageSystem> order, int round) throws Exception {
        int files = options.smallFiles();
        ExecutorService clients = Executors.newFixedThreadPool(options.clients());
        try {
            for (StorageSystem system : order) {
                byte[] contents = Payloads.random(files * options.smallKib() * 1024, seedFor(system, 5000 + round));
                String dir = base(system) + "/small-" + round;
                system.mkdirs(dir);
                boolean p2pfs = system instanceof P2pfsSystem || system instanceof P2pfsDirectSystem;
                DbCounters db = p2pfs ? counters : null;
                DbCounters.Rate background = db == null ? null : db.background(3000);
                DbCounters.Sample beforeCreates = db == null ? null : db.sample();
                List<Long> createNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
                double create = Limits.seconds(() -> parallel(clients, createNanos, i -> system.writeSmall(
                        dir + "/f-" + i, java.util.Arrays.copyOfRange(contents, i * options.smallKib() * 1024,
                                (i + 1) * options.smallKib() * 1024))));
                // Once unmeasured first, as for every system: the stat calls have not run in this JVM yet
                // (HDFS's client and NameNode share it, and the calls run warm after their first hundreds).
                parallel(clients, new java.util.concurrent.CopyOnWriteArrayList<>(), i -> system.stat(dir + "/f-" + i));
                DbCounters.Sample beforeStats = db == null ? null : db.sample();
                List<Long> statNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
                double stat = Limits.seconds(() -> parallel(clients, statNanos, i -> system.stat(dir + "/f-" + i)));
                DbCounters.Sample beforeLists = db == null ? null : db.sample();
                int listings = options.clients();
                List<Long> listNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
                double list = Limits.seconds(() -> {
                    List<Future<Integer>> counts = new ArrayList<>();
                    for (int c = 0; c < listings; c++) {
                        counts.add(clients.submit(() -> {
                            long start = System.nanoTime();
                            int count = system.list(dir);
                            listNanos.add(System.nanoTime() - start);
                            return count;
                        }));
                    }
                    for (Future<Integer> count : counts) {
                        if (count.get() != files) {
                            throw new IllegalStateException(system.name() + " listed " + count.get() + " of " + files
                                    + " files in " + dir);
                        }
                    }
                });
                DbCounters.Sample afterLists = db == null ? null : db.sample();
                // A tool that walks a tree knows many paths at once: each client asks for its share together.
                // Once unmeasured first: it is the only workload whose calls ran nowhere before (HDFS's
                // getFileInfo is warm from the stats just before; p2pfs's many-path call is not).
                List<Long> bulkNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
                Limits.Work bulkStats = () -> eachClient(clients, client -> {
                    List<String> share = new ArrayList<>();
                    for (int i = client; i < files; i += options.clients()) {
                        share.add(dir + "/f-" + i);
                    }
                    long start = System.nanoTime();
                    system.statAll(share);
                    bulkNanos.add(System.nanoTime() - start);
                });
                bulkStats.run();
                bulkNanos.clear();
                double bulk = Limits.seconds(bulkStats);
                record(Metric.BULK_STATS, system, files / bulk);
                record(Metric.BULK_STAT_P99, system, Stats.percentile(bulkNanos, 99) / 1e6);
                record(Metric.CREATES, system, files / create);
                record(Metric.STATS, system, files / stat);
                record(Metric.LIST, system, (double) files * listings / list);
                record(Metric.CREATE_P99, system, Stats.percentile(createNanos, 99) / 1e6);
                record(Metric.STAT_P99, system, Stats.percentile(statNanos, 99) / 1e6);
                record(Metric.LIST_P99, system, Stats.percentile(listNanos, 99) / 1e6);
                String cost = "";
                if (afterLists != null) {
                    DbCounters.Cost creates = beforeStats.minus(beforeCreates, background).per(files);
                    DbCounters.Cost stats = beforeLists.minus(beforeStats, background).per(files);
                    DbCounters.Cost lists = afterLists.minus(beforeLists, background).per(listings);
                    record(Metric.DB_CREATE_STATEMENTS, system, creates.statements());
                    record(Metric.DB_CREATE_COMMITS, system, creates.commits());
                    record(Metric.DB_STAT_STATEMENTS, system, stats.statements());
                    record(Metric.DB_LIST_STATEMENTS, system, lists.statements());
                    cost = String.format(Locale.ROOT, "; database per create %.1f statements, %.2f commits; per stat "
                            + "%.1f statements; per listing %.1f statements (background %.1f statements/s)",
                            creates.statements(), creates.commits(), stats.statements(), lists.statements(),
                            background.statements());
                }
                log("round %d %-13s small files: %.0f creates/s (p99 %.1f ms), %.0f stats/s (p99 %.2f ms), "
                        + "%.0f stats/s of many paths at once (p99 %.1f ms), %.0f entries listed/s (p99 %.1f ms)%s",
                        round + 1, system.name(), files / create, Stats.percentile(createNanos, 99) / 1e6, files / stat,
                        Stats.percentile(statNanos, 99) / 1e6, files / bulk, Stats.percentile(bulkNanos, 99) / 1e6,
                        (double) files * listings / list, Stats.percentile(listNanos, 99) / 1e6, cost);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private void incremental(List<StorageSystem> order, int round) throws Exception {
        for (StorageSystem system : order) {
            Path first = Payloads.randomFile(options.workDir().resolve("incremental-a.bin"), options.sizeBytes(),
                    seedFor(system, 2000 + round));
            Path second = Payloads.withInsertion(first, options.workDir().resolve("incremental-b.bin"),
                    (long) options.insertMib() << 20, seedFor(system, 3000 + round));
            long secondSize = Files.size(second);
            String path = base(system) + "/incremental-" + round + ".bin";
            system.write(path, first);
            long before = system.bytesReceivedByStorageNodes();
            StorageSystem.WriteOutcome outcome = system.write(path, second);
            long sent = system.bytesReceivedByStorageNodes() - before;
            double fraction = sent / ((double) system.replicationFactor() * secondSize);
            record(Metric.INCREMENTAL, system, fraction);
            String chunks = outcome.chunks() >= 0 ? String.format(Locale.ROOT, ", %d of %d chunks sent",
                    outcome.chunksSent(), outcome.chunks()) : "";
            log("round %d %-13s incremental: %d bytes to storage nodes = %.4f of R x file%s", round + 1,
                    system.name(), sent, fraction, chunks);
            if (outcome.chunks() >= 0) {
                incrementalNotes.computeIfAbsent(system.name(), k -> new ArrayList<>())
                        .add(outcome.chunksSent() + "/" + outcome.chunks());
            }
            system.delete(path);
            Files.delete(first);
            Files.delete(second);
        }
    }

    interface Streamed {
        void upload(String path, long bytes) throws Exception;
    }

    /** Peak RSS of the metadata service while {@code system} streams an upload of the memory size. */
    private double memory(StorageSystem system, Streamed upload) throws Exception {
        long bytes = options.memoryMib() << 20;
        String path = base(system) + "/memory.bin";
        log("memory: %s streams a %d MiB upload while the metadata service's RSS is sampled", system.name(),
                options.memoryMib());
        try (RssSampler sampler = RssSampler.start(metadataPid)) {
            upload.upload(path, bytes);
            sampler.close();
            system.delete(path);
            return sampler.peakMib();
        }
    }

    private void fill(Report report, Limits.Measured limits, HdfsSystem hdfs, P2pfsSystem p2pfs, Double directPeak,
            Double gatewayPeak, double memoryBaseline) {
        String cpu = cpuModel();
        report.setup("date: " + DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS)));
        report.setup(String.format(Locale.ROOT, "machine: %d cores (%s), %.0f GiB memory, %s",
                limits.cores(), cpu, memTotalGib(), osName()));
        report.setup("load average (1, 5, 15 min) at the start: " + loadAtStart + "; at the end: " + loadAverage()
                + " (anything else running on the machine shares its cores with every system)");
        report.setup("JDK: " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
        report.setup("p2pfs " + options.projectVersion() + ": " + (p2pfs != null ? p2pfs.describe()
                + "; direct: the client library in the harness JVM moves the chunks to and from the peers itself"
                : "not run (--no-p2pfs)"));
        report.setup(hdfs.describe());
        report.setup(String.format(Locale.ROOT, "workloads: large file %d MiB; %d files of %d KiB by %d clients; "
                + "incremental %d MiB + %d MiB inserted in the middle; memory %s; %d round(s), medians, "
                + "order of the systems reversed every other round; MB/s = 10^6 bytes/s", options.sizeMib(),
                options.smallFiles(), options.smallKib(), options.clients(), options.sizeMib(), options.insertMib(),
                options.memoryMib() > 0 && p2pfs != null ? options.memoryMib() + " MiB upload" : "not run",
                options.rounds()));
        String crypto = String.format(Locale.ROOT, "crypto limit, %d cores", limits.cores());
        report.row(row("large file write, MB/s (R=3)", Metric.WRITE, crypto, limits.uploadCryptoMBps(), null));
        report.row(row("large file read, MB/s", Metric.READ, "loopback HTTP", limits.httpMBps(), null));
        report.row(row("small files: creates/s", Metric.CREATES, "loopback HTTP requests/s",
                limits.httpSmallRequestsPerSecond(), null));
        report.row(row("small files: create p99, ms", Metric.CREATE_P99, null, null, null));
        report.row(row("small files: stat ops/s", Metric.STATS, "loopback HTTP requests/s",
                limits.httpSmallRequestsPerSecond(), null));
        report.row(row("small files: stat p99, ms", Metric.STAT_P99, null, null, null));
        report.row(row("small files: stat of many paths at once, ops/s", Metric.BULK_STATS, null, null,
                String.format(Locale.ROOT, "each of %d clients asks for its %d paths together: p2pfs in POST "
                        + "/api/v1/stats calls; HDFS has no call for many given paths, so one getFileInfo each",
                        options.clients(), (options.smallFiles() + options.clients() - 1) / options.clients())));
        report.row(row("small files: stat of many paths, p99 of a client's whole share, ms", Metric.BULK_STAT_P99,
                null, null, null));
        report.row(row("small files: list, entries/s", Metric.LIST, null, null, null));
        report.row(row("small files: list p99, ms (whole directory)", Metric.LIST_P99, null, null, null));
        List<String> notes = new ArrayList<>();
        incrementalNotes.forEach((system, rounds) -> notes.add(system + " " + String.join(", ", rounds)));
        report.row(row("incremental: bytes to storage nodes / (R × file)", Metric.INCREMENTAL, null, null,
                notes.isEmpty() ? null : "chunks sent / chunks of the second write, per round: "
                        + String.join("; ", notes) + "; lower is better"));
        String memoryNote = gatewayPeak == null ? "not measured" : String.format(Locale.ROOT,
                "metadata service RSS %.0f MiB before the uploads; peak during the %d MiB large-file upload of round "
                        + "1: %.0f MiB direct, %.0f MiB gateway; HDFS: the NameNode never sees file data and shares "
                        + "the harness JVM, so its RSS is not comparable", memoryBaseline, options.sizeMib(),
                metadataPeakDuringLarge.getOrDefault("p2pfs direct", Double.NaN),
                metadataPeakDuringLarge.getOrDefault("p2pfs gateway", Double.NaN));
        report.row(new Report.Row("memory: metadata peak RSS, MiB, " + options.memoryMib() + " MiB upload",
                directPeak, gatewayPeak, null, null, null, memoryNote));
        String dbNote = counters == null ? null : counters.why() != null ? "not measured: " + counters.why()
                : "PostgreSQL's own counts (pg_stat_statements) in the metadata service's database, BEGIN and "
                        + "COMMIT included, less the services' background rate measured over 3 s of idleness before";
        report.row(row("database statements per create", Metric.DB_CREATE_STATEMENTS, null, null, dbNote));
        report.row(row("database commits per create", Metric.DB_CREATE_COMMITS, null, null, null));
        report.row(row("database statements per stat", Metric.DB_STAT_STATEMENTS, null, null, null));
        report.row(row("database statements per listing (whole directory)", Metric.DB_LIST_STATEMENTS, null, null,
                null));
        report.limit("SHA-256, one core (JDK)", limits.sha256MBps(), "MB/s");
        report.limit("AES-256-GCM, one core (JDK, 4 MiB chunks)", limits.aesGcmMBps(), "MB/s");
        report.limit(crypto + " (2 x SHA-256 + AES-GCM per byte)", limits.uploadCryptoMBps(), "MB/s");
        report.limit("sequential disk write + fsync", limits.diskFsyncMBps(), "MB/s");
        report.limit("loopback HTTP PUT, trivial JDK server, plain HTTP/1.1", limits.httpMBps(), "MB/s");
        report.limit(String.format(Locale.ROOT, "loopback HTTP 4 KiB PUTs by %d clients", options.clients()),
                limits.httpSmallRequestsPerSecond(), "requests/s");
    }

    private Report.Row row(String workload, Metric metric, String limitName, Double limit, String note) {
        return new Report.Row(workload, median(metric, "p2pfs direct"), median(metric, "p2pfs gateway"),
                median(metric, "HDFS"), limitName, limit, note);
    }

    private Double median(Metric metric, String system) {
        List<Double> values = results.get(metric).get(system);
        return values == null || values.isEmpty() ? null : Stats.median(values);
    }

    private void record(Metric metric, StorageSystem system, double value) {
        results.get(metric).computeIfAbsent(system.name(), k -> new ArrayList<>()).add(value);
    }

    interface Indexed {
        void run(int i) throws Exception;
    }

    /** Runs {@code work} for every small file on the clients, adding each call's duration to {@code nanos}. */
    /** Each client's files, every {@code clients}-th from its own number, one operation each, timed one by one. */
    private void parallel(ExecutorService pool, List<Long> nanos, Indexed work) throws Exception {
        eachClient(pool, client -> {
            for (int i = client; i < options.smallFiles(); i += options.clients()) {
                long start = System.nanoTime();
                work.run(i);
                nanos.add(System.nanoTime() - start);
            }
        });
    }

    /** Runs {@code work} once for each client number, all at once on the pool, and waits for every one. */
    private void eachClient(ExecutorService pool, Indexed work) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < options.clients(); c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                work.run(client);
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1)
                    .trim()).orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }

    private static double memTotalGib() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0).orElse(0.0);
        } catch (Exception e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String osName() {
        try (Stream<String> lines = Files.lines(Path.of("/etc/os-release"))) {
            return lines.filter(l -> l.startsWith("PRETTY_NAME=")).findFirst()
                    .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", "")).orElse(System.getProperty("os.name"));
        } catch (Exception e) {
            return System.getProperty("os.name");
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}

package io.p2pfs.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * Sizes and switches of one run. Defaults are the full-size workloads: 1 GiB large file, 2,000
 * files of 4 KiB by 8 clients, 1 GiB + 1 MiB inserted, a 4 GiB upload for memory, 3 rounds.
 */
record BenchOptions(long sizeMib, int rounds, int smallFiles, int smallKib, int clients, int insertMib,
        long memoryMib, java.util.Set<String> workloads, boolean p2pfs, Path workDir, Path stackDir, Path doc, URI metadata, URI tracker,
        URI keycloak, String user, String password, String projectVersion) {

    static final String USAGE = """
            bench/run [options]
              --size-mib N       large-file and incremental size (default 1024)
              --rounds N         rounds, the systems' order reversed every other one; medians reported (default 3)
              --small-files N    number of small files (default 2000)
              --small-kib N      size of a small file (default 4)
              --clients N        concurrent clients for the small files (default 8)
              --insert-mib N     bytes inserted in the middle for the incremental write (default 1)
              --memory-mib N     upload streamed while the metadata service's RSS is sampled (default 4096, 0: skip)
              --workloads LIST   which to run, comma-separated: large,small,incremental,memory (default all)
              --no-p2pfs         HDFS and the machine limits only (no local stack needed)
              --work-dir DIR     scratch space for payloads and HDFS (default bench/harness/target/run)
              --stack-dir DIR    the local stack's state folder (default .local)
              --doc FILE         write the table into FILE between its bench/run markers
              --metadata-url U --tracker-url U --keycloak-url U --user NAME
            The password of --user comes from P2PFS_BENCH_PASSWORD (default: the demo user's).""";

    static BenchOptions parse(String[] args, Path repoRoot) {
        long sizeMib = 1024;
        int rounds = 3;
        int smallFiles = 2000;
        int smallKib = 4;
        int clients = 8;
        int insertMib = 1;
        long memoryMib = 4096;
        java.util.Set<String> workloads = WORKLOADS;
        boolean p2pfs = true;
        Path workDir = repoRoot.resolve("bench/harness/target/run");
        Path stackDir = repoRoot.resolve(".local");
        Path doc = null;
        URI metadata = URI.create("https://localhost:8442");
        URI tracker = URI.create("https://localhost:8441");
        URI keycloak = URI.create("http://localhost:8180");
        String user = "alice";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--size-mib" -> sizeMib = Long.parseLong(value(args, ++i, arg));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, arg));
                case "--small-files" -> smallFiles = Integer.parseInt(value(args, ++i, arg));
                case "--small-kib" -> smallKib = Integer.parseInt(value(args, ++i, arg));
                case "--clients" -> clients = Integer.parseInt(value(args, ++i, arg));
                case "--insert-mib" -> insertMib = Integer.parseInt(value(args, ++i, arg));
                case "--memory-mib" -> memoryMib = Long.parseLong(value(args, ++i, arg));
                case "--workloads" -> workloads = workloads(value(args, ++i, arg));
                case "--no-p2pfs" -> p2pfs = false;
                case "--work-dir" -> workDir = Path.of(value(args, ++i, arg));
                case "--stack-dir" -> stackDir = Path.of(value(args, ++i, arg));
                case "--doc" -> doc = Path.of(value(args, ++i, arg));
                case "--metadata-url" -> metadata = URI.create(value(args, ++i, arg));
                case "--tracker-url" -> tracker = URI.create(value(args, ++i, arg));
                case "--keycloak-url" -> keycloak = URI.create(value(args, ++i, arg));
                case "--user" -> user = value(args, ++i, arg);
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        if (sizeMib < 1 || rounds < 1 || smallFiles < 1 || smallKib < 1 || clients < 1 || insertMib < 1
                || memoryMib < 0) {
            throw new IllegalArgumentException("sizes, rounds and clients must be positive\n" + USAGE);
        }
        String password = System.getenv().getOrDefault("P2PFS_BENCH_PASSWORD", user + "-secret");
        String version = System.getProperty("p2pfs.version", "unknown");
        return new BenchOptions(sizeMib, rounds, smallFiles, smallKib, clients, insertMib, memoryMib, workloads, p2pfs, workDir,
                stackDir, doc, metadata, tracker, keycloak, user, password, version);
    }

    static final java.util.Set<String> WORKLOADS = java.util.Set.of("large", "small", "incremental", "memory");

    boolean runs(String workload) {
        return workloads.contains(workload);
    }

    private static java.util.Set<String> workloads(String list) {
        java.util.Set<String> chosen = new java.util.TreeSet<>();
        for (String name : list.split(",")) {
            if (!WORKLOADS.contains(name.trim())) {
                throw new IllegalArgumentException("unknown workload " + name + " (large, small, incremental, memory)\n"
                        + USAGE);
            }
            chosen.add(name.trim());
        }
        return java.util.Set.copyOf(chosen);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    long sizeBytes() {
        return sizeMib << 20;
    }
}

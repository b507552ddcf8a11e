package io.p2pfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the harness behind {@code bench/run}, so it cannot rot: the machine limits and every
 * workload on a real HDFS MiniDFSCluster at a few MiB, without the local stack. Asserts that the
 * table is complete and well formed, never how fast anything is.
 */
class BenchTests {

    @TempDir
    Path work;

    @Test
    void tinyRunWithoutTheStackFillsEveryHdfsFigureAndEveryLimit() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {"--no-p2pfs", "--size-mib", "3", "--rounds", "1",
                "--small-files", "24", "--clients", "4", "--memory-mib", "0", "--work-dir", work.toString()}, work);

        Report report = new Bench(options).run();

        List<Report.Row> rows = report.rows();
        assertEquals(16, rows.size(), "one row per workload");
        for (Report.Row row : rows.subList(0, 11)) {
            assertNotNull(row.hdfs(), row.workload() + " has an HDFS figure");
            assertTrue(row.hdfs() > 0, row.workload() + " is positive on HDFS: " + row.hdfs());
            assertNull(row.direct(), row.workload() + " was not run on p2pfs");
            assertNull(row.gateway(), row.workload() + " was not run on p2pfs");
        }
        for (Report.Row row : rows.subList(11, 16)) {
            assertNull(row.hdfs(), row.workload() + " is p2pfs's own");
            assertNull(row.direct(), row.workload() + " was not run on p2pfs");
        }
        Report.Row incremental = rows.get(10);
        assertTrue(incremental.workload().startsWith("incremental"), incremental.workload());
        // HDFS rewrites the whole file: every replica of every byte reaches the DataNodes again.
        assertEquals(1.0, incremental.hdfs(), 0.05, "HDFS's second write sends R x the file");
        assertEquals(6, report.limits().size());
        report.limits().forEach(limit -> assertTrue(limit.value() > 0, limit.name() + " measured"));
    }

    @Test
    void markdownTableHasSevenCellsPerRowAndReplacesOnlyItsOwnSection() throws Exception {
        Report report = new Report();
        report.setup("date: test");
        report.row(new Report.Row("large file write, MB/s (R=3)", 150.0, 50.0, 100.0, "crypto limit", 200.0, null));
        report.row(new Report.Row("memory", 300.0, 400.0, null, null, null, "a note"));
        report.limit("SHA-256, one core", 1500, "MB/s");

        String markdown = report.markdown();
        List<String> lines = markdown.lines().toList();
        int header = lines.indexOf("| workload | p2pfs direct | p2pfs gateway | HDFS | direct / HDFS | gateway / HDFS "
                + "| direct vs limit |");
        assertTrue(header >= 0, markdown);
        int tableLines = (int) lines.stream().skip(header).takeWhile(l -> !l.isEmpty()).count();
        List<String> table = lines.subList(header, header + tableLines);
        assertEquals(4, table.size(), "header, rule and two rows: " + markdown);
        table.forEach(l -> assertEquals(9, l.split("\\|", -1).length, "7 cells: " + l));
        assertTrue(markdown.contains("| large file write, MB/s (R=3) | 150 | 50.0 | 100 | 1.50 | 0.50 "
                + "| 0.75 of crypto limit (200) |"), markdown);
        assertTrue(markdown.contains("| memory | 300 | 400 | — | — | — | — |"), markdown);

        Path doc = work.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nbefore\n\n" + Report.BEGIN + "\nold table\n" + Report.END
                + "\n\nafter\n");
        report.writeInto(doc, "## run");
        String written = Files.readString(doc);
        assertTrue(written.startsWith("# Benchmarks\n\nbefore\n\n" + Report.BEGIN + "\n## run\n"), written);
        assertTrue(written.endsWith(Report.END + "\n\nafter\n"), written);
        assertTrue(!written.contains("old table"), written);
    }
}

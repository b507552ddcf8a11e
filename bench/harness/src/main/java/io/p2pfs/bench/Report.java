package io.p2pfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one table a run produces: each workload on p2pfs's direct path, on its gateway and on HDFS,
 * each p2pfs figure as a ratio to HDFS's, and the direct path as a fraction of the machine limit
 * that bounds it, followed by the limits themselves and the set-up.
 */
final class Report {

    static final String BEGIN = "<!-- bench/run: begin -->";
    static final String END = "<!-- bench/run: end -->";

    /** One workload; a null figure was not measured in this run (or cannot be, see the note). */
    record Row(String workload, Double direct, Double gateway, Double hdfs, String limitName, Double limit,
            String note) {

        Double directRatio() {
            return ratio(direct, hdfs);
        }

        Double gatewayRatio() {
            return ratio(gateway, hdfs);
        }

        Double ofLimit() {
            return ratio(direct, limit);
        }

        private static Double ratio(Double value, Double reference) {
            return value == null || reference == null || reference == 0 ? null : value / reference;
        }
    }

    record LimitRow(String name, double value, String unit) {
    }

    private final List<String> setup = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<LimitRow> limits = new ArrayList<>();

    void setup(String line) {
        setup.add(line);
    }

    void row(Row row) {
        rows.add(row);
    }

    void limit(String name, double value, String unit) {
        limits.add(new LimitRow(name, value, unit));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    List<LimitRow> limits() {
        return List.copyOf(limits);
    }

    /** Markdown: the set-up as a list, the workload table, the limits table. */
    String markdown() {
        StringBuilder out = new StringBuilder();
        for (String line : setup) {
            out.append("- ").append(line).append('\n');
        }
        out.append('\n');
        out.append("| workload | p2pfs direct | p2pfs gateway | HDFS | direct / HDFS | gateway / HDFS "
                + "| direct vs limit |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Row row : rows) {
            out.append("| ").append(row.workload()).append(" | ").append(figure(row.direct())).append(" | ")
                    .append(figure(row.gateway())).append(" | ").append(figure(row.hdfs())).append(" | ")
                    .append(figure(row.directRatio())).append(" | ").append(figure(row.gatewayRatio())).append(" | ")
                    .append(limitCell(row)).append(" |\n");
        }
        List<String> notes = rows.stream().filter(r -> r.note() != null && !r.note().isBlank())
                .map(r -> r.workload() + ": " + r.note()).toList();
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        out.append("\n| machine limit, measured in this run | value |\n| --- | ---: |\n");
        for (LimitRow limit : limits) {
            out.append("| ").append(limit.name()).append(" | ").append(figure(limit.value())).append(' ')
                    .append(limit.unit()).append(" |\n");
        }
        return out.toString();
    }

    /** The same table for a terminal. */
    String text() {
        StringBuilder out = new StringBuilder();
        setup.forEach(s -> out.append(s).append('\n'));
        String format = "%-52s %10s %10s %10s %8s %8s  %s%n";
        out.append(String.format(Locale.ROOT, format, "workload", "direct", "gateway", "HDFS", "dir/HDFS",
                "gw/HDFS", "direct vs limit"));
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, format, row.workload(), figure(row.direct()), figure(row.gateway()),
                    figure(row.hdfs()), figure(row.directRatio()), figure(row.gatewayRatio()), limitCell(row)));
        }
        rows.stream().filter(r -> r.note() != null && !r.note().isBlank())
                .forEach(r -> out.append("  ").append(r.workload()).append(": ").append(r.note()).append('\n'));
        out.append("machine limits:\n");
        limits.forEach(l -> out.append(String.format(Locale.ROOT, "  %-50s %10s %s%n", l.name(), figure(l.value()),
                l.unit())));
        return out.toString();
    }

    /** Replaces the section between the markers in {@code doc} (appends it with markers when absent). */
    void writeInto(Path doc, String heading) throws IOException {
        String section = BEGIN + "\n" + heading + "\n\n" + markdown() + END;
        String text = Files.exists(doc) ? Files.readString(doc) : "";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated;
        if (begin >= 0 && end > begin) {
            updated = text.substring(0, begin) + section + text.substring(end + END.length());
        } else {
            updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
                    + section + "\n";
        }
        Files.writeString(doc, updated);
    }

    private static String limitCell(Row row) {
        if (row.limitName() == null) {
            return "—";
        }
        Double of = row.ofLimit();
        return (of == null ? "—" : figure(of)) + " of " + row.limitName() + " (" + figure(row.limit()) + ")";
    }

    static String figure(Double value) {
        if (value == null || value.isNaN()) {
            return "—";
        }
        double v = Math.abs(value);
        String format = v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 0.1 ? "%.2f" : v >= 0.001 ? "%.4f" : "%.2g";
        return String.format(Locale.ROOT, format, value);
    }
}

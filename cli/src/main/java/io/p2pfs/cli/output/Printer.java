package io.p2pfs.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.client.http.ServiceHttp;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** What a command prints: JSON for scripts ({@code --json}), or lines and aligned columns for people. */
public final class Printer {

    /** The client library's mapper: ISO-8601 instants, unknown members ignored. */
    public static final ObjectMapper JSON = ServiceHttp.JSON;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final PrintStream out;

    public Printer(PrintStream out) {
        this.out = out;
    }

    public void json(Object value) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    public void line(String text) {
        out.println(text);
    }

    public static String when(Instant instant) {
        return instant == null ? "-" : WHEN.format(instant);
    }

    /** Rows printed in columns as wide as their widest cell, the last column unpadded. */
    public void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        if (header != null) {
            all.add(header);
        }
        all.addAll(rows);
        if (all.isEmpty()) {
            return;
        }
        int columns = all.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i) == null ? 1 : row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i) == null ? "-" : row.get(i);
                if (i == row.size() - 1) {
                    line.append(cell);
                } else {
                    line.append(cell).append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}

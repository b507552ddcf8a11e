package io.p2pfs.audit.export;

import io.p2pfs.audit.search.AuditRecord;
import io.p2pfs.common.problem.BadRequest;
import java.util.Locale;

/**
 * The export formats, one line per event, newest first.
 *
 * <p>{@code ndjson}: {@code {"seq":…,"hash":"…","event":<the stored canonical event>}}.
 * {@code csv} (RFC 4180, header line first): the indexed fields, the hash and the canonical
 * event; a cell that a spreadsheet would run as a formula (starting with {@code = + - @}, tab
 * or carriage return) is prefixed with {@code '}.
 */
public enum ExportFormat {
    NDJSON("application/x-ndjson"),
    CSV("text/csv");

    static final String CSV_HEADER = "seq,id,type,time,actor,action,resource,path,outcome,hash,event\r\n";

    private final String mediaType;

    ExportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public static ExportFormat parse(String format) {
        if (format == null || format.isBlank()) {
            return NDJSON;
        }
        return switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "ndjson" -> NDJSON;
            case "csv" -> CSV;
            default -> throw new BadRequest("format must be ndjson or csv.");
        };
    }

    /** The text before the first record (the CSV header), or null. */
    public String header() {
        return this == CSV ? CSV_HEADER : null;
    }

    public String line(AuditRecord record) {
        if (this == NDJSON) {
            return "{\"seq\":" + record.seq() + ",\"hash\":\"" + record.hash() + "\",\"event\":" + record.event()
                    + "}\n";
        }
        StringBuilder line = new StringBuilder(record.event().length() + 200);
        line.append(record.seq());
        for (String cell : new String[] {record.id(), record.type(), record.time().toString(), record.actor(),
                record.action(), record.resource(), record.path(), record.outcome(), record.hash(), record.event()}) {
            line.append(',').append(csvCell(cell));
        }
        return line.append("\r\n").toString();
    }

    static String csvCell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String safe = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}

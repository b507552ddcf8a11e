package io.p2pfs.audit.search;

import java.util.List;

/** A page of results, newest first; {@code nextCursor} is null on the last page. */
public record SearchPage(List<AuditRecord> items, String nextCursor) {
}

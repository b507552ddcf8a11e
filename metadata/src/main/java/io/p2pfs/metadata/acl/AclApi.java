package io.p2pfs.metadata.acl;

import java.util.List;

/** Bodies of {@code /api/v1/acl/{path}}. */
public final class AclApi {

    private AclApi() {
    }

    public record Entry(String principal, List<String> permissions) {
    }

    /** What a caller PUTs: {@code inherit} defaults to true. */
    public record Document(Boolean inherit, List<Entry> entries) {
    }

    /** What GET answers: the entry's own ACL, its owner, and what the caller holds there. */
    public record View(String path, String owner, boolean inherit, List<Entry> entries, List<String> yourPermissions) {
    }
}

package io.p2pfs.metadata.acl;

import java.util.List;

/** The access list of one entry: its own grants, and whether the grants above it apply too. */
public record Acl(boolean inherit, List<Grant> grants) {

    /** An entry without an ACL row: no grants of its own, inherits. */
    public static final Acl NONE = new Acl(true, List.of());

    public Acl {
        grants = List.copyOf(grants);
    }
}

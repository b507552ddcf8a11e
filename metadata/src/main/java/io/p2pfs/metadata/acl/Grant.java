package io.p2pfs.metadata.acl;

import io.p2pfs.common.problem.BadRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** One ACL entry: a principal and the permissions it holds. */
public record Grant(String principal, Set<Permission> permissions) {

    private static final Pattern USER = Pattern.compile("user:[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern GROUP = Pattern.compile("group:[A-Za-z0-9][A-Za-z0-9 ._/-]{0,127}");

    public Grant {
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
    }

    /** Validates a principal as written by a caller: 400 with the reason when malformed. */
    public static String principal(String raw) {
        if (raw == null) {
            throw new BadRequest("Every ACL entry needs a principal.");
        }
        String principal = raw.trim();
        if (principal.length() == raw.replaceAll("^ +| +$", "").length() && (principal.equals("authenticated") || USER.matcher(principal).matches()
                || GROUP.matcher(principal).matches())) {
            return principal;
        }
        throw new BadRequest("Principal '" + abbreviate(principal)
                + "' is not user:<id>, group:<name> or authenticated.");
    }

    public static Set<Permission> permissions(List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            throw new BadRequest("Every ACL entry needs at least one permission.");
        }
        EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String name : raw) {
            try {
                permissions.add(Permission.valueOf(name == null ? "" : name.trim()));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("Unknown permission '" + abbreviate(String.valueOf(name))
                        + "'; use READ, DOWNLOAD, WRITE, DELETE or SHARE.");
            }
        }
        return permissions;
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }
}

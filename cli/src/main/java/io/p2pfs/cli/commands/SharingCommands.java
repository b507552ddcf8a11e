package io.p2pfs.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.client.api.Access;
import io.p2pfs.client.api.NamespaceApi;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Who may do what: ACLs, sharing in one line, what others shared with you, directory policies. */
public final class SharingCommands {

    static final List<String> PERMISSIONS = List.of("READ", "DOWNLOAD", "WRITE", "DELETE", "SHARE");

    private SharingCommands() {
    }

    /** {@code read,download}, {@code READ}, {@code all} -> the permission names. */
    static List<String> permissions(String typed) {
        Set<String> parsed = new LinkedHashSet<>();
        for (String part : typed.split("[,\\s]+")) {
            String name = part.strip().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("ALL")) {
                parsed.addAll(PERMISSIONS);
            } else if (PERMISSIONS.contains(name)) {
                parsed.add(name);
            } else {
                throw CliFailure.usage("unknown permission '" + part + "': use " + String.join(", ",
                        PERMISSIONS).toLowerCase(Locale.ROOT) + " or all");
            }
        }
        if (parsed.isEmpty()) {
            throw CliFailure.usage("no permission given");
        }
        return List.copyOf(parsed);
    }

    /** {@code bob} -> {@code user:bob}; {@code group:x}, {@code user:x}, {@code authenticated} as they are. */
    static String principal(String typed) {
        if (typed.startsWith("user:") || typed.startsWith("group:") || typed.equals("authenticated")) {
            return typed;
        }
        if (typed.contains(":")) {
            throw CliFailure.usage("a principal is NAME, user:ID, group:NAME or authenticated: " + typed);
        }
        return "user:" + typed;
    }

    static void printAcl(CliCommand command, Access.AclView view) {
        if (command.jsonOutput()) {
            command.printer().json(view);
            return;
        }
        command.printer().line("path: " + view.path());
        command.printer().line("owner: " + view.owner());
        command.printer().line("inherit: " + view.inherit());
        command.printer().line("you may: " + String.join(",", view.yourPermissions()).toLowerCase(Locale.ROOT));
        List<List<String>> rows = new ArrayList<>();
        for (Access.AclEntry entry : view.entries()) {
            rows.add(List.of(entry.principal(), String.join(",", entry.permissions()).toLowerCase(Locale.ROOT)));
        }
        if (!rows.isEmpty()) {
            command.printer().table(List.of("PRINCIPAL", "PERMISSIONS"), rows);
        }
    }

    static Access.AclView grant(CliCommand command, String path, String principal, List<String> permissions) {
        Access.AclView current = command.client().acl(path);
        List<Access.AclEntry> entries = new ArrayList<>();
        boolean merged = false;
        for (Access.AclEntry entry : current.entries()) {
            if (entry.principal().equals(principal)) {
                Set<String> union = new LinkedHashSet<>(entry.permissions());
                union.addAll(permissions);
                entries.add(new Access.AclEntry(principal, List.copyOf(union)));
                merged = true;
            } else {
                entries.add(entry);
            }
        }
        if (!merged) {
            entries.add(new Access.AclEntry(principal, permissions));
        }
        return command.client().setAcl(path, new Access.AclDocument(current.inherit(), entries));
    }

    @Command(name = "acl", mixinStandardHelpOptions = true, description = "Look at and change access control lists.",
            subcommands = {Acl.Get.class, Acl.Set.class, Acl.Grant.class, Acl.Revoke.class},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs acl get /alice/reports",
                "  p2pfs acl grant /alice/reports group:engineering read,download",
                "  p2pfs acl revoke /alice/reports group:engineering",
                "  p2pfs acl set /alice/private --no-inherit user:bob=read"})
    public static final class Acl extends CommandGroup {

        @Command(name = "get", description = "Show the path's own ACL, its owner and what you may do there.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs acl get /alice/reports", "  p2pfs acl get --json /alice/reports"})
        public static final class Get extends CliCommand {
            @Parameters(index = "0", paramLabel = "PATH")
            String path;

            @Override
            protected int execute() {
                printAcl(this, client().acl(remote(path)));
                return ExitCodes.OK;
            }
        }

        @Command(name = "set", description = "Replace the path's own ACL with these entries (none: empty).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs acl set /alice/reports group:engineering=read,download user:bob=all", "  p2pfs acl set /alice/private --no-inherit", "  p2pfs acl set /alice/reports   # no entries: empty"})
        public static final class Set extends CliCommand {
            @Parameters(index = "0", paramLabel = "PATH")
            String path;

            @Parameters(index = "1..*", paramLabel = "PRINCIPAL=PERMS")
            List<String> entries = new ArrayList<>();

            @Option(names = "--no-inherit", negatable = true, defaultValue = "true",
                    description = "Whether the ACLs of the directories above apply here too (default: they do).")
            boolean inherit;

            @Override
            protected int execute() {
                List<Access.AclEntry> parsed = new ArrayList<>();
                for (String entry : entries) {
                    int equals = entry.lastIndexOf('=');
                    if (equals <= 0) {
                        throw CliFailure.usage("an entry is PRINCIPAL=PERMS, e.g. group:eng=read,download: " + entry);
                    }
                    parsed.add(new Access.AclEntry(principal(entry.substring(0, equals)),
                            permissions(entry.substring(equals + 1))));
                }
                printAcl(this, client().setAcl(remote(path), new Access.AclDocument(inherit, parsed)));
                return ExitCodes.OK;
            }
        }

        @Command(name = "grant", description = "Add permissions for a principal to the path's own ACL.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs acl grant /alice/reports bob read,download", "  p2pfs acl grant /alice/team group:engineering write"})
        public static final class Grant extends CliCommand {
            @Parameters(index = "0", paramLabel = "PATH")
            String path;

            @Parameters(index = "1", paramLabel = "PRINCIPAL", description = "NAME (a user id), user:ID, group:NAME or authenticated.")
            String principal;

            @Parameters(index = "2", paramLabel = "PERMS", description = "read, download, write, delete, share (comma separated) or all.")
            String perms;

            @Override
            protected int execute() {
                printAcl(this, grant(this, remote(path), principal(principal), permissions(perms)));
                return ExitCodes.OK;
            }
        }

        @Command(name = "revoke", description = "Remove a principal's permissions (all, or those named) from the path's own ACL.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs acl revoke /alice/reports bob", "  p2pfs acl revoke /alice/reports bob download"})
        public static final class Revoke extends CliCommand {
            @Parameters(index = "0", paramLabel = "PATH")
            String path;

            @Parameters(index = "1", paramLabel = "PRINCIPAL")
            String principal;

            @Parameters(index = "2", arity = "0..1", paramLabel = "PERMS")
            String perms;

            @Override
            protected int execute() {
                String target = remote(path);
                String who = principal(principal);
                Access.AclView current = client().acl(target);
                List<Access.AclEntry> entries = new ArrayList<>();
                boolean found = false;
                for (Access.AclEntry entry : current.entries()) {
                    if (!entry.principal().equals(who)) {
                        entries.add(entry);
                        continue;
                    }
                    found = true;
                    if (perms != null) {
                        List<String> left = new ArrayList<>(entry.permissions());
                        left.removeAll(permissions(perms));
                        if (!left.isEmpty()) {
                            entries.add(new Access.AclEntry(who, left));
                        }
                    }
                }
                if (!found) {
                    throw CliFailure.notFound(who + " has no entry in the ACL of " + target);
                }
                printAcl(this, client().setAcl(target, new Access.AclDocument(current.inherit(), entries)));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "share", description = "Share a path with a user or group in one line (adds to its ACL).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs share /alice/reports bob read,download",
                "  p2pfs share /alice/team group:engineering all"})
    public static final class Share extends CliCommand {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;

        @Parameters(index = "1", paramLabel = "USER|group:G")
        String principal;

        @Parameters(index = "2", paramLabel = "PERMS", defaultValue = "read,download",
                description = "read, download, write, delete, share or all (default: ${DEFAULT-VALUE}).")
        String perms;

        @Override
        protected int execute() {
            String target = remote(path);
            Access.AclView view = grant(this, target, principal(principal), permissions(perms));
            if (jsonOutput()) {
                printer().json(view);
            } else {
                printer().line("shared " + target + " with " + principal(principal) + ": "
                        + String.join(",", permissions(perms)).toLowerCase(Locale.ROOT));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "shared", description = "List what others shared with you.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs shared", "  p2pfs shared --json | jq -r '.[].path'"})
    public static final class Shared extends CliCommand {
        @Override
        protected int execute() {
            List<NamespaceApi.SharedEntry> all = new ArrayList<>();
            String cursor = null;
            do {
                NamespaceApi.SharedPage page = client().shared(cursor, 500);
                all.addAll(page.entries());
                cursor = page.nextCursor();
            } while (cursor != null);
            if (jsonOutput()) {
                printer().json(all);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (NamespaceApi.SharedEntry entry : all) {
                rows.add(List.of(entry.owner(), String.join(",", entry.permissions()).toLowerCase(Locale.ROOT),
                        entry.principal(), entry.path() + ("DIR".equals(entry.type()) ? "/" : "")));
            }
            printer().table(List.of("OWNER", "PERMISSIONS", "VIA", "PATH"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true, description = "Directory policies: conflict strategy, replication, version retention.",
            subcommands = {Policy.Get.class, Policy.Set.class},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs policy get /alice/reports",
                "  p2pfs policy set /alice/reports conflictStrategy=KEEP_BOTH keepVersions=10",
                "  p2pfs policy set /alice/reports keepDays=   # no longer set here: inherited"})
    public static final class Policy extends CommandGroup {
        static final List<String> KEYS = List.of("conflictStrategy", "replicationFactor", "keepVersions", "keepDays");

        static void print(CliCommand command, JsonNode policy) {
            if (command.jsonOutput()) {
                command.printer().json(policy);
                return;
            }
            command.printer().line("path: " + policy.path("path").asText());
            List<List<String>> rows = new ArrayList<>();
            for (String key : KEYS) {
                JsonNode own = policy.path("own").path(key);
                JsonNode effective = policy.path("effective").path(key);
                rows.add(List.of(key, own.isMissingNode() || own.isNull() ? "-" : own.asText(),
                        effective.isMissingNode() || effective.isNull() ? "-" : effective.asText()));
            }
            command.printer().table(List.of("SETTING", "SET HERE", "EFFECTIVE"), rows);
        }

        @Command(name = "get", description = "Show the settings set on a directory and those in effect there.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs policy get /alice/reports"})
        public static final class Get extends CliCommand {
            @Parameters(index = "0", paramLabel = "PATH")
            String path;

            @Override
            protected int execute() {
                print(this, client().policy(remote(path)));
                return ExitCodes.OK;
            }
        }

        @Command(name = "set", description = "Change settings of a directory (KEY= unsets one).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs policy set /alice/reports conflictStrategy=KEEP_BOTH", "  p2pfs policy set /alice/reports replicationFactor=3 keepVersions=10", "  p2pfs policy set /alice/reports keepDays="})
        public static final class Set extends CliCommand {
            @Parameters(index = "0", paramLabel = "PATH")
            String path;

            @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE",
                    description = "conflictStrategy (FAIL, LAST_WRITER_WINS, KEEP_BOTH), replicationFactor, keepVersions, keepDays.")
            List<String> settings;

            @Override
            protected int execute() {
                String target = remote(path);
                JsonNode current = client().policy(target);
                Map<String, Object> own = new LinkedHashMap<>();
                JsonNode set = current.path("own");
                for (Iterator<String> keys = set.fieldNames(); keys.hasNext(); ) {
                    String key = keys.next();
                    if (!set.path(key).isNull()) {
                        own.put(key, set.path(key).isNumber() ? set.path(key).asInt() : set.path(key).asText());
                    }
                }
                for (String setting : settings) {
                    int equals = setting.indexOf('=');
                    if (equals <= 0) {
                        throw CliFailure.usage("a setting is KEY=VALUE: " + setting);
                    }
                    String key = setting.substring(0, equals);
                    String value = setting.substring(equals + 1).strip();
                    if (!KEYS.contains(key)) {
                        throw CliFailure.usage("unknown setting '" + key + "': " + String.join(", ", KEYS));
                    }
                    if (value.isEmpty()) {
                        own.remove(key);
                    } else if (key.equals("conflictStrategy")) {
                        own.put(key, value.toUpperCase(Locale.ROOT));
                    } else {
                        try {
                            own.put(key, Integer.parseInt(value));
                        } catch (NumberFormatException e) {
                            throw CliFailure.usage(key + " takes a whole number: " + value);
                        }
                    }
                }
                print(this, client().setPolicy(target, own));
                return ExitCodes.OK;
            }
        }
    }
}

package io.p2pfs.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.output.Printer;
import io.p2pfs.cli.output.Sizes;
import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.client.transfer.Downloader;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The namespace: listing, looking at, creating, removing and moving entries, and their versions. */
public final class NamespaceCommands {

    private NamespaceCommands() {
    }

    @Command(name = "cat", description = "Write files' content to standard output.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs cat /alice/notes.txt",
                "  p2pfs cat --version 3 notes.txt | less", "  p2pfs cat --offset 100 --length 50 /alice/log.txt"})
    public static final class Cat extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Option(names = "--version", paramLabel = "N", description = "This version instead of the current one.")
        Integer version;

        @Option(names = "--offset", paramLabel = "BYTES", defaultValue = "0", description = "Start at this byte.")
        long offset;

        @Option(names = "--length", paramLabel = "BYTES", description = "At most this many bytes.")
        Long length;

        @Override
        protected int execute() throws Exception {
            OutputStream out = env().out();
            for (String path : paths) {
                Downloader.Download download = client().open(remote(path), version, offset, length);
                download.writeTo(out);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", description = "List a directory (default: your home directory).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs ls", "  p2pfs ls -l /alice/reports",
                "  p2pfs ls -lR /alice", "  p2pfs ls --json /alice | jq '.[].name'"})
    public static final class Ls extends CliCommand {
        @Parameters(arity = "0..*", paramLabel = "PATH")
        List<String> paths = new ArrayList<>();

        @Option(names = "-l", description = "Long format: size, version, owner, modified.")
        boolean longFormat;

        @Option(names = {"-R", "--recursive"}, description = "Directories below too.")
        boolean recursive;

        @Override
        protected int execute() {
            List<String> targets = paths.isEmpty() ? List.of(".") : paths;
            List<Map<String, Object>> all = new ArrayList<>();
            boolean headings = recursive || targets.size() > 1;
            for (String typed : targets) {
                String path = remote(typed);
                NamespaceApi.Stat stat = client().stat(path);
                if (!"DIR".equals(stat.type())) {
                    Map<String, Object> row = row(parent(path), name(path), stat.type(), stat.size(), stat.version(),
                            stat.owner(), stat.modifiedAt());
                    all.add(row);
                    if (!jsonOutput()) {
                        print(List.of(row));
                    }
                    continue;
                }
                list(path, all, headings);
            }
            if (jsonOutput()) {
                printer().json(all);
            }
            return ExitCodes.OK;
        }

        private void list(String directory, List<Map<String, Object>> all, boolean headings) {
            List<Map<String, Object>> rows = new ArrayList<>();
            String cursor = null;
            do {
                NamespaceApi.Listing page = client().list(directory, cursor, 500);
                for (NamespaceApi.ListEntry entry : page.entries()) {
                    rows.add(row(directory, entry.name(), entry.type(), entry.size(), entry.version(), entry.owner(),
                            entry.modifiedAt()));
                }
                cursor = page.nextCursor();
            } while (cursor != null);
            all.addAll(rows);
            if (!jsonOutput()) {
                if (headings) {
                    printer().line(directory + ":");
                }
                print(rows);
                if (headings) {
                    printer().line("");
                }
            }
            if (recursive) {
                for (Map<String, Object> row : rows) {
                    if ("DIR".equals(row.get("type"))) {
                        list((String) row.get("path"), all, headings);
                    }
                }
            }
        }

        private void print(List<Map<String, Object>> rows) {
            if (!longFormat) {
                rows.forEach(row -> printer().line(display(row)));
                return;
            }
            List<List<String>> table = new ArrayList<>();
            for (Map<String, Object> row : rows) {
                boolean directory = "DIR".equals(row.get("type"));
                table.add(List.of(directory ? "-" : String.valueOf(row.get("size")),
                        directory ? "-" : "v" + row.get("version"), String.valueOf(row.get("owner")),
                        Printer.when((java.time.Instant) row.get("modifiedAt")), display(row)));
            }
            printer().table(null, table);
        }

        private static String display(Map<String, Object> row) {
            return row.get("name") + ("DIR".equals(row.get("type")) ? "/" : "");
        }

        private static Map<String, Object> row(String directory, String name, String type, Long size, Integer version,
                String owner, java.time.Instant modifiedAt) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("path", child(directory, name));
            row.put("name", name);
            row.put("type", type);
            row.put("size", size);
            row.put("version", version);
            row.put("owner", owner);
            row.put("modifiedAt", modifiedAt);
            return row;
        }
    }

    @Command(name = "stat", description = "Show an entry: type, size, version, owner, times, replicas.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs stat /alice/report.pdf", "  p2pfs stat --json report.pdf"})
    public static final class Stat extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Override
        protected int execute() {
            List<NamespaceApi.Stat> stats = new ArrayList<>();
            for (String path : paths) {
                stats.add(client().stat(remote(path), true));
            }
            if (jsonOutput()) {
                printer().json(stats.size() == 1 ? stats.get(0) : stats);
                return ExitCodes.OK;
            }
            for (NamespaceApi.Stat stat : stats) {
                printer().line("path: " + stat.path());
                printer().line("type: " + stat.type());
                if (stat.size() != null) {
                    printer().line("size: " + stat.size() + " (" + Sizes.bytes(stat.size()) + ")");
                }
                if (stat.version() != null) {
                    printer().line("version: " + stat.version());
                }
                printer().line("owner: " + stat.owner());
                printer().line("created: " + Printer.when(stat.createdAt()));
                printer().line("modified: " + Printer.when(stat.modifiedAt()));
                if (stat.etag() != null) {
                    printer().line("etag: " + stat.etag());
                }
                if (stat.sha256() != null) {
                    printer().line("sha256: " + stat.sha256());
                }
                if (stat.chunkCount() != null) {
                    printer().line("chunks: " + stat.chunkCount());
                }
                if (stat.replicas() != null) {
                    NamespaceApi.ReplicaHealth replicas = stat.replicas();
                    printer().line("replicas: " + replicas.fullyReplicated() + " of " + replicas.chunks()
                            + " chunks at " + replicas.replicationFactor() + ", " + replicas.underReplicated()
                            + " under, " + replicas.unavailable() + " unavailable");
                }
                if (stats.size() > 1) {
                    printer().line("");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "mkdir", description = "Create directories.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs mkdir /alice/reports", "  p2pfs mkdir -p /alice/a/b/c"})
    public static final class Mkdir extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Option(names = {"-p", "--parents"}, description = "Create missing parents; an existing directory is fine.")
        boolean parents;

        @Override
        protected int execute() {
            List<Object> created = new ArrayList<>();
            for (String typed : paths) {
                String path = remote(typed);
                NamespaceApi.Created answer = parents ? client().mkdirs(path, lockTokens().tokensFor(path))
                        : client().mkdir(path, lockTokens().tokensFor(path));
                created.add(answer);
                if (!jsonOutput()) {
                    printer().line((answer.created() == null || answer.created().isEmpty() ? "exists " : "created ")
                            + answer.path());
                }
            }
            if (jsonOutput()) {
                printer().json(created.size() == 1 ? created.get(0) : created);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rm", description = "Delete files, and with -r directories with everything below them.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs rm /alice/old.txt", "  p2pfs rm -r /alice/tmp"})
    public static final class Rm extends CliCommand {
        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<String> paths;

        @Option(names = {"-r", "--recursive"}, description = "Delete directories and all below them.")
        boolean recursive;

        @Option(names = {"-f", "--force"}, description = "A missing entry is not an error.")
        boolean force;

        @Override
        protected int execute() {
            List<Map<String, Object>> deleted = new ArrayList<>();
            for (String typed : paths) {
                String path = remote(typed);
                if (path.equals("/")) {
                    throw CliFailure.usage("the root cannot be deleted");
                }
                try {
                    client().delete(path, recursive, lockTokens().tokensFor(path));
                    deleted.add(Map.of("path", path, "deleted", true));
                    if (!jsonOutput()) {
                        printer().line("deleted " + path);
                    }
                } catch (P2pfsException e) {
                    if (force && e.status() == 404) {
                        deleted.add(Map.of("path", path, "deleted", false));
                        continue;
                    }
                    if (!recursive && e.status() == 409) {
                        throw new P2pfsException(e.status(), e.title(), e.detail() + " (use rm -r for a directory)",
                                e.problem());
                    }
                    throw e;
                }
            }
            if (jsonOutput()) {
                printer().json(deleted);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "mv", description = {"Move or rename a file or a directory (with everything below it).",
        "Into an existing directory, the entry keeps its name."},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs mv /alice/draft.txt /alice/final.txt",
                "  p2pfs mv /alice/photos /alice/archive/"})
    public static final class Mv extends CliCommand {
        @Parameters(index = "0", paramLabel = "FROM")
        String from;

        @Parameters(index = "1", paramLabel = "TO")
        String to;

        @Override
        protected int execute() {
            String source = remote(from);
            String target = remote(to);
            if (to.endsWith("/") || isDirectory(target)) {
                target = child(target, name(source));
            }
            NamespaceApi.Moved moved = client().move(source, target, lockTokens().tokensFor(source, target, parent(target)));
            if (jsonOutput()) {
                printer().json(moved);
            } else {
                printer().line("moved " + source + " -> " + target);
            }
            return ExitCodes.OK;
        }

    }

    @Command(name = "versions", description = "List a file's versions, newest first.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs versions /alice/report.pdf"})
    public static final class Versions extends CliCommand {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;

        @Override
        protected int execute() {
            List<NamespaceApi.VersionInfo> versions = client().versions(remote(path));
            if (jsonOutput()) {
                printer().json(versions);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (NamespaceApi.VersionInfo version : versions) {
                rows.add(List.of("v" + version.version() + (version.current() ? "*" : ""),
                        Long.toString(version.size()), version.createdBy(), Printer.when(version.createdAt()),
                        version.sha256() == null ? "-" : version.sha256().substring(0, 16)));
            }
            printer().table(List.of("VERSION", "SIZE", "BY", "CREATED", "SHA256"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", description = "Make an earlier version current again (as a new version).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs restore /alice/report.pdf 2"})
    public static final class Restore extends CliCommand {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;

        @Parameters(index = "1", paramLabel = "VERSION")
        int version;

        @Override
        protected int execute() {
            String target = remote(path);
            JsonNode restored = client().restore(target, version, lockTokens().tokensFor(target));
            if (jsonOutput()) {
                printer().json(restored);
            } else {
                printer().line("restored " + target + " version " + version + " as version "
                        + restored.path("version").asText("?"));
            }
            return ExitCodes.OK;
        }
    }

}

package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.auth.LockTokenStore;
import io.p2pfs.cli.output.Printer;
import io.p2pfs.client.api.Access;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Locks: leases on a path (a directory's covers everything below it). The token of a lock taken
 * here is kept for this profile, so later puts, moves and deletes under it present it by themselves.
 */
public final class LockCommands {

    private LockCommands() {
    }

    @Command(name = "lock", description = {"Lock a file or directory; others get 'locked' (exit 6) until you unlock it",
        "or the lease expires. With --renew, extend a lock you hold."},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs lock /alice/report.pdf --ttl 600",
                "  p2pfs lock --shared /alice/reports", "  p2pfs lock --renew /alice/report.pdf"})
    public static final class Lock extends CliCommand {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;

        @Option(names = "--shared", description = "A shared lock (others may take shared locks too).")
        boolean shared;

        @Option(names = "--ttl", paramLabel = "SECONDS", description = "Lease length, 1-3600 (default: the service's).")
        Integer ttl;

        @Option(names = "--renew", description = "Renew the lock this profile holds on PATH.")
        boolean renew;

        @Override
        protected int execute() {
            String target = remote(path);
            if (renew) {
                LockTokenStore.Held held = lockTokens().all().get(target);
                if (held == null) {
                    throw CliFailure.notFound("this profile holds no lock on " + target);
                }
                Access.LockRenewed renewed = client().renewLock(target, held.token(), ttl);
                lockTokens().put(target, new LockTokenStore.Held(held.token(), renewed.mode(), renewed.expiresAt()));
                if (jsonOutput()) {
                    printer().json(renewed);
                } else {
                    printer().line("renewed the lock on " + target + " until " + Printer.when(renewed.expiresAt()));
                }
                return ExitCodes.OK;
            }
            Access.LockGranted granted = client().lock(target, new Access.LockRequest(shared ? "SHARED" : "EXCLUSIVE",
                    ttl));
            lockTokens().put(target, new LockTokenStore.Held(granted.lockToken(), granted.mode(), granted.expiresAt()));
            if (jsonOutput()) {
                printer().json(granted);
            } else {
                printer().line("locked " + target + " (" + granted.mode().toLowerCase(java.util.Locale.ROOT)
                        + ") until " + Printer.when(granted.expiresAt()));
                printer().line("lock token: " + granted.lockToken());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "unlock", description = {"Release a lock this profile holds (or the one whose token you give).",
            "With --break, break every lock on PATH whoever holds it (its owner, a SHARE holder or an admin may)."},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs unlock /alice/report.pdf",
                "  p2pfs unlock /alice/report.pdf --token 3f2c...", "  p2pfs unlock --break /alice/reports"})
    public static final class Unlock extends CliCommand {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;

        @Option(names = "--token", paramLabel = "TOKEN", description = "The lock token (default: the one this profile keeps).")
        String token;

        @Option(names = "--break", description = "Break every live lock on PATH, whoever holds it.")
        boolean breakLocks;

        @Override
        protected int execute() {
            String target = remote(path);
            if (breakLocks) {
                List<Access.LockInfo> broken = client().breakLocks(target);
                lockTokens().remove(target);
                if (jsonOutput()) {
                    printer().json(Map.of("path", target, "broken", broken.stream().map(Access.LockInfo::owner)
                            .toList()));
                } else {
                    for (Access.LockInfo lock : broken) {
                        printer().line("broke the " + lock.mode() + " lock of " + lock.owner() + " on " + target);
                    }
                }
                return ExitCodes.OK;
            }
            String presented = token;
            if (presented == null) {
                LockTokenStore.Held held = lockTokens().all().get(target);
                if (held == null) {
                    throw CliFailure.notFound("this profile holds no lock on " + target + " (give --token)");
                }
                presented = held.token();
            }
            client().unlock(target, presented);
            lockTokens().remove(target);
            if (jsonOutput()) {
                printer().json(Map.of("path", target, "released", true));
            } else {
                printer().line("unlocked " + target);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "locks", description = "List the live locks on a path and below it (default: your home directory).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs locks", "  p2pfs locks /alice/reports"})
    public static final class Locks extends CliCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PATH")
        String path;

        @Override
        protected int execute() {
            String target = remote(path == null ? "." : path);
            List<Access.LockInfo> locks = client().locks(target);
            Map<String, LockTokenStore.Held> mine = lockTokens().all();
            if (jsonOutput()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Access.LockInfo lock : locks) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("path", lock.path());
                    row.put("mode", lock.mode());
                    row.put("owner", lock.owner());
                    row.put("acquiredAt", lock.acquiredAt());
                    row.put("expiresAt", lock.expiresAt());
                    row.put("heldHere", mine.containsKey(lock.path()));
                    rows.add(row);
                }
                printer().json(rows);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Access.LockInfo lock : locks) {
                rows.add(List.of(lock.mode(), lock.owner(), Printer.when(lock.expiresAt()),
                        lock.path() + (mine.containsKey(lock.path()) ? "  (token kept here)" : "")));
            }
            printer().table(List.of("MODE", "OWNER", "EXPIRES", "PATH"), rows);
            return ExitCodes.OK;
        }
    }
}

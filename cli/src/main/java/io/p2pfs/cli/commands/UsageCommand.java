package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.output.Printer;
import io.p2pfs.cli.output.Sizes;
import io.p2pfs.client.api.Quotas;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code p2pfs usage}: what you are charged for and your storage limit; for administrators, any
 * user's or everyone's, and setting or clearing a user's own limit.
 */
@Command(name = "usage", description = {"Show the storage you are charged for and your limit.",
        "Administrators: a user's (USER), everyone's (--all), and a user's own limit (--set-limit, --clear-limit)."},
        footerHeading = "%nExamples:%n", footer = {
            "  p2pfs usage",
            "  p2pfs --profile admin usage --all",
            "  p2pfs --profile admin usage bob --set-limit 50G",
            "  p2pfs --profile admin usage bob --clear-limit     the service's default applies again",
            "",
            "Usage counts the size of every current and retained version of the files you own,",
            "whoever wrote them; an upload that would pass the limit is refused (exit status 5)."})
public final class UsageCommand extends CliCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "USER", description = "A user's usage (administrators).")
    String user;

    @Option(names = "--all", description = "Every user's usage (administrators).")
    boolean all;

    @Option(names = "--set-limit", paramLabel = "SIZE",
            description = "Set USER's own limit: bytes or 500M, 50G, 2T (binary units); 'none' for no limit.")
    String setLimit;

    @Option(names = "--clear-limit", description = "Clear USER's own limit: the service's default applies.")
    boolean clearLimit;

    @Override
    protected int execute() {
        if (all && user != null) {
            throw CliFailure.usage("--all lists every user; give USER or --all, not both");
        }
        boolean change = setLimit != null || clearLimit;
        if (setLimit != null && clearLimit) {
            throw CliFailure.usage("--set-limit and --clear-limit exclude each other");
        }
        if (change && user == null) {
            throw CliFailure.usage("--set-limit and --clear-limit need the USER whose limit changes");
        }
        if (all) {
            return listAll();
        }
        Quotas.Usage usage;
        if (change) {
            usage = client().setQuota(user, clearLimit ? null : limitBytes(setLimit));
        } else {
            usage = user == null ? client().usage() : client().adminUsage(user);
        }
        if (jsonOutput()) {
            printer().json(usage);
            return ExitCodes.OK;
        }
        if (change) {
            inform(clearLimit ? "limit of " + user + " cleared" : "limit of " + user + " set");
        }
        Printer out = printer();
        out.line("user      " + usage.userId());
        out.line("used      " + Sizes.bytes(usage.logicalBytes()) + " of " + limit(usage)
                + (usage.availableBytes() == null ? "" : ", " + Sizes.bytes(usage.availableBytes()) + " available"));
        out.line("stored    " + Sizes.bytes(usage.physicalBytes()) + " of encrypted chunks, "
                + Sizes.bytes(usage.replicatedBytes()) + " with their replicas");
        out.line("files     " + usage.files() + " (" + usage.versions() + " versions)");
        return ExitCodes.OK;
    }

    private int listAll() {
        List<Quotas.Usage> users = new ArrayList<>();
        String cursor = null;
        do {
            Quotas.UsagePage page = client().adminUsage(cursor, 1000);
            users.addAll(page.users());
            cursor = page.nextCursor();
        } while (cursor != null);
        if (jsonOutput()) {
            printer().json(users);
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Quotas.Usage usage : users) {
            rows.add(List.of(usage.userId(), Sizes.bytes(usage.logicalBytes()), limit(usage),
                    usage.limitBytes() == null ? "-" : percent(usage), Sizes.bytes(usage.physicalBytes()),
                    Sizes.bytes(usage.replicatedBytes()), Long.toString(usage.files()),
                    Long.toString(usage.versions())));
        }
        printer().table(List.of("USER", "USED", "LIMIT", "USE%", "STORED", "REPLICATED", "FILES", "VERSIONS"), rows);
        return ExitCodes.OK;
    }

    /** The limit as people read it, and whose setting it is. */
    private static String limit(Quotas.Usage usage) {
        String value = usage.limitBytes() == null ? "no limit" : Sizes.bytes(usage.limitBytes());
        return "user".equals(usage.limitSource()) ? value + " (set for the user)" : value;
    }

    private static String percent(Quotas.Usage usage) {
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * usage.logicalBytes() / usage.limitBytes());
    }

    static long limitBytes(String typed) {
        String value = typed.strip().toLowerCase(Locale.ROOT);
        if (value.equals("none") || value.equals("unlimited")) {
            return 0;
        }
        Long bytes = Sizes.parse(typed);
        if (bytes == null) {
            throw CliFailure.usage("--set-limit takes a size such as 500M, 50G or 2T, or 'none': " + typed);
        }
        return bytes;
    }
}

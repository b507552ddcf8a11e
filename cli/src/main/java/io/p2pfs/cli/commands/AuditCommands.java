package io.p2pfs.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.common.audit.OfflineVerifier;
import io.p2pfs.common.audit.TreeHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The audit log: search it, have the service verify it, and prove entries against signed heads yourself. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Search and verify the audit log.",
        subcommands = {AuditCommands.Search.class, AuditCommands.Verify.class, AuditCommands.Prove.class,
            AuditCommands.Offline.class},
        footerHeading = "%nExamples:%n", footer = {"  p2pfs audit search --actor bob --outcome DENIED",
            "  p2pfs audit search --query report --since 2026-12-01T00:00:00Z", "  p2pfs audit verify",
            "  p2pfs audit prove 0f8e...   # checks the entry's inclusion proof here, against the signed head"})
public final class AuditCommands extends CommandGroup {


    @Command(name = "search", description = "Search the audit log, newest first (auditors see all, others their own).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs audit search --actor bob --outcome DENIED", "  p2pfs audit search --path /alice/reports --since 2026-12-01T00:00:00Z", "  p2pfs audit search --query report --json"})
    public static final class Search extends CliCommand {
        @Option(names = "--query", paramLabel = "TEXT", description = "Free text over actor, action, resource, details.")
        String query;

        @Option(names = "--actor", paramLabel = "USER")
        String actor;

        @Option(names = "--action", paramLabel = "TYPE", description = "e.g. file.uploaded, access.denied")
        String action;

        @Option(names = "--path", paramLabel = "PATH")
        String path;

        @Option(names = "--outcome", paramLabel = "OUTCOME", description = "SUCCESS, DENIED or FAILED")
        String outcome;

        @Option(names = "--since", paramLabel = "TIME", description = "ISO-8601 instant")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "ISO-8601 instant")
        String until;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N entries (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        protected int execute() {
            List<JsonNode> items = new ArrayList<>();
            String cursor = null;
            do {
                Map<String, String> filters = new LinkedHashMap<>();
                filters.put("q", query);
                filters.put("actor", actor);
                filters.put("action", action);
                filters.put("path", path);
                filters.put("outcome", outcome);
                filters.put("from", since);
                filters.put("to", until);
                filters.put("limit", Integer.toString(Math.min(500, limit - items.size())));
                filters.put("cursor", cursor);
                JsonNode page = client().auditSearch(filters);
                page.path("items").forEach(items::add);
                cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
            } while (cursor != null && items.size() < limit);
            if (jsonOutput()) {
                printer().json(items);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode item : items) {
                rows.add(List.of(item.path("time").asText("-"), item.path("actor").asText("-"),
                        item.path("action").asText("-"), item.path("outcome").asText("-"),
                        item.path("resource").asText("-"), item.path("id").asText("-")));
            }
            printer().table(List.of("TIME", "ACTOR", "ACTION", "OUTCOME", "RESOURCE", "EVENT"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", description = "Have the audit service recompute the whole log against its signed heads.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs audit verify", "  p2pfs audit verify --json | jq .ok"})
    public static final class Verify extends CliCommand {
        @Override
        protected int execute() {
            JsonNode result = client().auditVerify();
            boolean ok = result.path("ok").asBoolean(false);
            if (jsonOutput()) {
                printer().json(result);
            } else {
                printer().line((ok ? "verified: " : "NOT verified: ") + result.path("checked").asText("?")
                        + " entries, tree size " + result.path("treeSize").asText("?") + ", root "
                        + result.path("rootHash").asText("?"));
                if (!ok) {
                    result.path("problems").forEach(problem -> printer().line("  " + problem));
                }
            }
            return ok ? ExitCodes.OK : ExitCodes.CONFLICT;
        }
    }

    @Command(name = "prove", description = {"Fetch an entry's inclusion proof and the signed tree head and check both here.",
        "Pin the log's public key with --key for a check that does not trust the service."},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs audit prove 0f8e6c1a-...", "  p2pfs audit prove 0f8e6c1a-... --key signing-key.pub"})
    public static final class Prove extends CliCommand {
        @Parameters(index = "0", paramLabel = "EVENT_ID")
        String eventId;

        @Option(names = "--key", paramLabel = "KEY", description = "The log's base64 Ed25519 public key, or a file holding it.")
        String key;

        @Override
        protected int execute() throws Exception {
            JsonNode proof = client().inclusionProof(eventId, null);
            // Without a tree size the service proves against its latest signed head and sends it along.
            TreeHead head = OfflineVerifier.parseHead(proof.path("treeHead"));
            String keyText = key;
            boolean pinned = keyText != null;
            if (keyText == null) {
                for (JsonNode signing : client().auditSigningKeys()) {
                    if (head.keyId() == null || head.keyId().equals(signing.path("keyId").asText())) {
                        keyText = signing.path("publicKey").asText();
                        break;
                    }
                }
                if (keyText == null) {
                    throw new CliFailure(ExitCodes.CONFLICT, "Unknown signing key",
                            "the service names no key " + head.keyId());
                }
            } else if (Files.isRegularFile(Path.of(keyText))) {
                keyText = Files.readString(Path.of(keyText)).strip();
            }
            PublicKey publicKey = TreeHead.publicKey(keyText);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("eventId", eventId);
            answer.put("treeSize", head.treeSize());
            answer.put("rootHash", head.rootHash());
            answer.put("keyPinned", pinned);
            try {
                answer.put("verified", true);
                answer.put("detail", OfflineVerifier.verifyInclusion(head, publicKey, proof));
            } catch (OfflineVerifier.Failed failed) {
                answer.put("verified", false);
                answer.put("detail", failed.getMessage());
            }
            if (jsonOutput()) {
                printer().json(answer);
            } else {
                printer().line(((Boolean) answer.get("verified") ? "proved: " : "NOT proved: ") + answer.get("detail"));
                if (!pinned) {
                    printer().line("(the key came from the service; pin it with --key for an independent check)");
                }
            }
            return (Boolean) answer.get("verified") ? ExitCodes.OK : ExitCodes.CONFLICT;
        }
    }

    @Command(name = "offline", description = {"Check exported logs and proofs with nothing but signed heads and the key:",
        "  offline log --head HEAD.json --key KEY [--log EXPORT.ndjson]",
        "  offline inclusion --head HEAD.json --key KEY --proof PROOF.json",
        "  offline consistency --old HEAD.json --new HEAD.json --key KEY --proof PROOF.json"},
            footerHeading = "%nExamples:%n", footer = {"  p2pfs audit offline inclusion --head head.json --key signing-key.pub --proof proof.json", "  p2pfs audit offline log --head head.json --key KEY --log export.ndjson"})
    public static final class Offline extends CliCommand {
        @picocli.CommandLine.Unmatched
        List<String> arguments = new ArrayList<>();

        @Override
        protected int execute() {
            int status = OfflineVerifier.run(arguments.toArray(String[]::new), env().out(), env().err());
            return switch (status) {
                case 0 -> ExitCodes.OK;
                case 2 -> ExitCodes.USAGE;
                default -> ExitCodes.CONFLICT;
            };
        }
    }
}

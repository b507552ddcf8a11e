package io.p2pfs.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.output.Sizes;
import io.p2pfs.client.api.Health;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What administrators look at and do: the storage nodes, draining one, replication health, the encryption keys. */
public final class AdminCommands {

    private AdminCommands() {
    }

    @Command(name = "nodes", description = "List the storage nodes the tracker knows.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs nodes", "  p2pfs nodes --state DOWN"})
    public static final class Nodes extends CliCommand {
        @Option(names = "--state", paramLabel = "STATE", description = "Only nodes in this state (UP, DOWN, DRAINING, ...).")
        String state;

        @Override
        protected int execute() {
            JsonNode nodes = client().nodes(state);
            if (jsonOutput()) {
                printer().json(nodes);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode node : nodes) {
                rows.add(List.of(node.path("nodeId").asText("-"), node.path("state").asText("-"),
                        node.path("zone").asText("-"), node.has("capacityBytes")
                                ? Sizes.bytes(node.path("capacityBytes").asLong()) : "-",
                        node.path("url").asText("-")));
            }
            printer().table(List.of("NODE", "STATE", "ZONE", "CAPACITY", "URL"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "drain", description = "Drain a storage node (admins): its chunks move to others, then it leaves.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs drain 6f1c2a...", "  p2pfs nodes --state DRAINING"})
    public static final class Drain extends CliCommand {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Override
        protected int execute() {
            JsonNode answer = client().drain(node);
            if (jsonOutput()) {
                printer().json(answer);
            } else {
                printer().line("draining " + node + " (state " + answer.path("state").asText("?") + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "quarantine", description = "Quarantine a storage node (admins): none of its copies count, its "
            + "chunks are copied elsewhere at once and it gets no new ones until it is released.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs quarantine 6f1c2a... --reason \"drops chunks\"",
                    "  p2pfs quarantine --release 6f1c2a..."})
    public static final class Quarantine extends CliCommand {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (required to quarantine; it is audited).")
        String reason;

        @Option(names = "--release", description = "End the node's quarantine instead (it is DOWN until it heartbeats).")
        boolean release;

        @Override
        protected int execute() {
            if (!release && (reason == null || reason.isBlank())) {
                throw io.p2pfs.cli.CliFailure.usage("quarantine needs --reason TEXT (or --release)");
            }
            JsonNode answer = release ? client().releaseNode(node) : client().quarantine(node, reason);
            if (jsonOutput()) {
                printer().json(answer);
            } else {
                printer().line((release ? "released " : "quarantined ") + node + " (state "
                        + answer.path("state").asText("?") + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "replication", description = "Show how healthy replication is (admins and auditors): chunks "
            + "by live copies, the repair queue, drains and their progress, garbage.",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs replication", "  p2pfs replication --json"})
    public static final class Replication extends CliCommand {
        @Override
        protected int execute() {
            Health.Replication health = client().replication();
            if (jsonOutput()) {
                printer().json(health);
                return ExitCodes.OK;
            }
            List<String> buckets = new ArrayList<>();
            health.chunksByLiveReplicas().forEach((live, count) -> buckets.add(live + ": " + count));
            printer().line("chunks: " + health.chunks() + " (by live copies " + String.join(", ", buckets) + ")");
            printer().line("under-replicated: " + health.underReplicated() + ", without a live copy: "
                    + health.unavailable());
            printer().line("repair queue: " + health.queue().chunks() + " chunk(s), " + health.queue().due()
                    + " due, " + Sizes.bytes(health.queue().bytesToMove()) + " to copy; copies in flight: "
                    + health.copiesInFlight());
            for (Health.Drain drain : health.drains()) {
                printer().line("draining " + drain.nodeId() + " (" + drain.zone() + "): " + drain.chunksLeft() + " of "
                        + drain.chunksHeld() + " chunk(s) still to hand over");
            }
            printer().line("garbage: " + health.garbage().orphanChunks() + " orphan chunk(s) ("
                    + Sizes.bytes(health.garbage().orphanBytes()) + "), " + health.garbage().chunksBeingDeleted()
                    + " chunk(s) and " + health.garbage().replicasBeingDeleted() + " copies being deleted");
            List<String> states = new ArrayList<>();
            health.nodesByState().forEach((state, count) -> states.add(state + ": " + count));
            printer().line("nodes: " + String.join(", ", states));
            return ExitCodes.OK;
        }
    }

    @Command(name = "keys", description = "Show the state of the metadata service's encryption keys (admins).",
            footerHeading = "%nExamples:%n", footer = {"  p2pfs keys", "  p2pfs --profile admin keys --json"})
    public static final class Keys extends CliCommand {
        @Override
        protected int execute() {
            JsonNode keys = client().keys();
            if (jsonOutput()) {
                printer().json(keys);
            } else {
                keys.fields().forEachRemaining(field -> printer().line(field.getKey() + ": " + field.getValue()));
            }
            return ExitCodes.OK;
        }
    }
}

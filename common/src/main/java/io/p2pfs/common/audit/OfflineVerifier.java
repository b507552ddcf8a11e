package io.p2pfs.common.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the audit log against a signed tree head without the audit service: an exported log
 * (every entry up to the head's size), an inclusion proof, or a consistency proof between two
 * heads. Needs only the log's public key, obtained out of band.
 *
 * <pre>
 * log         --head HEAD.json --key KEY [--log EXPORT.ndjson]   (stdin without --log)
 * inclusion   --head HEAD.json --key KEY --proof PROOF.json
 * consistency --old HEAD.json --new HEAD.json --key KEY --proof PROOF.json
 * </pre>
 * KEY is the base64 Ed25519 public key, or a file holding it. Exit status: 0 verified, 1 not
 * verified (the reason is printed), 2 wrong usage or unreadable input.
 */
public final class OfflineVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String USAGE = """
            usage: p2pfs-audit-verify log --head HEAD.json --key KEY [--log EXPORT.ndjson]
                   p2pfs-audit-verify inclusion --head HEAD.json --key KEY --proof PROOF.json
                   p2pfs-audit-verify consistency --old HEAD.json --new HEAD.json --key KEY --proof PROOF.json
            KEY: the log's base64 Ed25519 public key (GET /api/v1/audit/signing-keys), or a file holding it.
            HEAD.json: a signed tree head as published; EXPORT.ndjson: GET /api/v1/audit/export (auditor, no filters).""";

    /** Not verified, and why. */
    /** A check that did not hold, and why. */
    public static final class Failed extends Exception {
        Failed(String reason) {
            super(reason, null, false, false);
        }
    }

    private OfflineVerifier() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one check and returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.println("unexpected argument " + args[i] + "\n" + USAGE);
                return 2;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        try {
            String result = switch (args[0]) {
                case "log" -> verifyLog(head(options, "head"), key(options), options.get("log"));
                case "inclusion" -> verifyInclusion(head(options, "head"), key(options), read(required(options, "proof")));
                case "consistency" -> verifyConsistency(head(options, "old"), head(options, "new"), key(options),
                        read(required(options, "proof")));
                default -> throw new IllegalArgumentException("unknown check " + args[0]);
            };
            out.println("VERIFIED: " + result);
            return 0;
        } catch (Failed failed) {
            out.println("NOT VERIFIED: " + failed.getMessage());
            return 1;
        } catch (IllegalArgumentException | IOException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        }
    }

    static String verifyLog(TreeHead head, PublicKey key, String logFile) throws Failed, IOException {
        signed(head, key);
        TreeMap<Long, JsonNode> entries = new TreeMap<>();
        try (BufferedReader lines = logFile == null || logFile.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(logFile), StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode entry = JSON.readTree(line);
                long seq = entry.path("seq").asLong(0);
                if (seq >= 1 && seq <= head.treeSize() && entries.put(seq, entry) != null) {
                    throw new Failed("seq " + seq + " appears twice in the export");
                }
            }
        }
        CompactRange tree = new CompactRange();
        for (long seq = 1; seq <= head.treeSize(); seq++) {
            JsonNode entry = entries.get(seq);
            if (entry == null) {
                throw new Failed("the export lacks seq " + seq + " of the " + head.treeSize() + " the head covers "
                        + "(a deleted entry, or an export with filters)");
            }
            byte[] leaf = Merkle.leafHash(CanonicalJson.of(entry.path("event")));
            if (entry.hasNonNull("hash") && !Merkle.hex(leaf).equals(entry.path("hash").asText())) {
                throw new Failed("the event of seq " + seq + " no longer hashes to the leaf hash stored with it "
                        + "(it was altered after it was logged)");
            }
            tree.append(leaf, null);
        }
        if (!Arrays.equals(tree.root(), head.root())) {
            throw new Failed("the export's first " + head.treeSize() + " entries do not hash to the signed root "
                    + head.rootHash() + " (entries were altered, removed, inserted or reordered)");
        }
        return "the " + head.treeSize() + " entries hash to the root signed at " + head.timestamp();
    }

    /**
     * Checks that {@code proof} (an inclusion proof as the audit service serves it) leads from its
     * event to the root of {@code head}, and that {@code key} signed the head; returns what it proved.
     */
    public static String verifyInclusion(TreeHead head, PublicKey key, JsonNode proof) throws Failed {
        signed(head, key);
        long treeSize = proof.path("treeSize").asLong(-1);
        long leafIndex = proof.path("leafIndex").asLong(-1);
        if (treeSize != head.treeSize()) {
            throw new Failed("the proof is for a tree of " + treeSize + " entries, the head for " + head.treeSize());
        }
        byte[] leaf = hash(proof.path("leafHash").asText());
        if (proof.hasNonNull("event") && !Arrays.equals(leaf, Merkle.leafHash(CanonicalJson.of(proof.get("event"))))) {
            throw new Failed("the event in the proof does not hash to its leaf hash");
        }
        if (!MerkleProofs.verifyInclusion(leafIndex, treeSize, leaf, hashes(proof), head.root())) {
            throw new Failed("the inclusion proof does not lead to the signed root");
        }
        return "entry " + (leafIndex + 1) + " is in the log of " + treeSize + " entries signed at " + head.timestamp();
    }

    static String verifyConsistency(TreeHead older, TreeHead newer, PublicKey key, JsonNode proof) throws Failed {
        signed(older, key);
        signed(newer, key);
        if (proof.path("from").asLong(-1) != older.treeSize() || proof.path("to").asLong(-1) != newer.treeSize()) {
            throw new Failed("the proof is not between sizes " + older.treeSize() + " and " + newer.treeSize());
        }
        if (!MerkleProofs.verifyConsistency(older.treeSize(), newer.treeSize(), older.root(), newer.root(),
                hashes(proof))) {
            throw new Failed("the log of " + newer.treeSize() + " entries does not extend the log of "
                    + older.treeSize() + ": history was rewritten");
        }
        return "the log of " + newer.treeSize() + " entries extends the log of " + older.treeSize();
    }

    private static void signed(TreeHead head, PublicKey key) throws Failed {
        if (!head.verify(key)) {
            throw new Failed("the tree head of size " + head.treeSize() + " is not signed by this key");
        }
    }

    /** Reads a tree head from its published JSON. */
    public static TreeHead parseHead(JsonNode json) {
        if (!json.path("treeSize").canConvertToLong() || !json.path("rootHash").isTextual()
                || !json.path("timestamp").isTextual()) {
            throw new IllegalArgumentException("not a tree head: treeSize, rootHash and timestamp are required");
        }
        return new TreeHead(json.path("origin").asText(null), json.path("treeSize").asLong(),
                json.path("rootHash").asText(), Instant.parse(json.path("timestamp").asText()),
                json.path("keyId").asText(null), json.path("signature").asText(null));
    }

    private static TreeHead head(Map<String, String> options, String name) throws IOException {
        return parseHead(read(required(options, name)));
    }

    private static PublicKey key(Map<String, String> options) throws IOException {
        String value = required(options, "key");
        Path file = Path.of(value);
        return TreeHead.publicKey(Files.isRegularFile(file) ? Files.readString(file).trim() : value);
    }

    private static JsonNode read(String file) throws IOException {
        return JSON.readTree(Files.readString(Path.of(file)));
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static List<byte[]> hashes(JsonNode proof) throws Failed {
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode hash : proof.path("hashes")) {
            hashes.add(hash(hash.asText()));
        }
        return hashes;
    }

    private static byte[] hash(String hex) throws Failed {
        try {
            return Merkle.unhex(hex);
        } catch (IllegalArgumentException e) {
            throw new Failed("not a hash: " + hex);
        }
    }
}

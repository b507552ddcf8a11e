package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.output.Printer;
import io.p2pfs.cli.output.Progress;
import io.p2pfs.cli.output.Sizes;
import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.client.transfer.Downloader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Downloads files on the direct data path, chunks read in parallel from the replicas. A broken
 * off download leaves {@code NAME.p2pfs-part} behind and the next {@code get} resumes it where it
 * stopped (when the file's version is still the same), checking the whole content's SHA-256.
 */
@Command(name = "get", description = {"Download files (and with -r directories) from p2pfs.",
    "The last argument is the local target (default: the current folder). Interrupted downloads resume."},
        footerHeading = "%nExamples:%n", footer = {
            "  p2pfs get /alice/report.pdf                # into the current folder",
            "  p2pfs get /alice/report.pdf copy.pdf",
            "  p2pfs get --version 2 /alice/report.pdf old.pdf",
            "  p2pfs get -r /alice/photos ~/backup/",
            "  p2pfs get --limit-rate 10M /alice/big.iso  # at most 10 MiB/s"})
public final class GetCommand extends CliCommand {

    static final String PART = ".p2pfs-part";

    @Parameters(arity = "1..*", paramLabel = "SOURCE... [TARGET]", description = "Remote files, then the local target.")
    List<String> arguments;

    @Option(names = {"-r", "--recursive"}, description = "Download directories with everything below them.")
    boolean recursive;

    @Option(names = {"-P", "--parallel"}, paramLabel = "N", defaultValue = "4",
            description = "Files downloaded at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--version", paramLabel = "N", description = "Download this version instead of the current one.")
    Integer version;

    @Option(names = "--no-clobber", description = "Never replace a local file (exit 5 if one exists).")
    boolean noClobber;

    @Option(names = "--no-resume", description = "Start over instead of resuming a partial download.")
    boolean noResume;

    @Option(names = "--limit-rate", paramLabel = "RATE", description = "At most RATE bytes per second in all (500K, 2M, 1G).")
    String limitRate;

    record Item(String remote, Path local) {
    }

    /** What the part file's side record says: which version of which file the part holds. */
    record PartRecord(String path, int version, String etag, long size) {
    }

    @Override
    protected int execute() throws Exception {
        List<String> sources = arguments.size() == 1 ? arguments : arguments.subList(0, arguments.size() - 1);
        String typedTarget = arguments.size() == 1 ? "." : arguments.get(arguments.size() - 1);
        Path target = env().local(typedTarget);
        List<Item> items = new ArrayList<>();
        boolean manyOrTree = sources.size() > 1;
        List<NamespaceApi.Stat> stats = new ArrayList<>();
        for (String source : sources) {
            NamespaceApi.Stat stat = client().stat(remote(source));
            if ("DIR".equals(stat.type())) {
                if (!recursive) {
                    throw CliFailure.usage(stat.path() + " is a directory: use -r to download it");
                }
                manyOrTree = true;
            }
            stats.add(stat);
        }
        if (version != null && manyOrTree) {
            throw CliFailure.usage("--version applies to a single file");
        }
        boolean intoFolder = manyOrTree || Files.isDirectory(target) || typedTarget.endsWith("/");
        for (NamespaceApi.Stat stat : stats) {
            if ("DIR".equals(stat.type())) {
                Path base = Files.isDirectory(target) || sources.size() > 1
                        ? target.resolve(name(stat.path()).isEmpty() ? "root" : name(stat.path())) : target;
                walk(stat.path(), base, items);
            } else {
                items.add(new Item(stat.path(), intoFolder ? target.resolve(name(stat.path())) : target));
            }
        }
        RateLimit rate = RateLimit.parse(limitRate);
        try (Progress progress = progress()) {
            Batch.Outcome<Item, Map<String, Object>> outcome = Batch.run(items, parallel,
                    item -> download(item, progress, rate), Item::remote, env().err());
            if (jsonOutput()) {
                printer().json(outcome.done());
            } else {
                for (Map<String, Object> done : outcome.done()) {
                    printer().line("downloaded " + done.get("path") + " -> " + done.get("local") + "  "
                            + Sizes.bytes((Long) done.get("size")) + ((Long) done.get("resumedFrom") > 0
                                    ? "  (resumed at " + Sizes.bytes((Long) done.get("resumedFrom")) + ")" : ""));
                }
            }
            return outcome.exitCode();
        }
    }

    private void walk(String directory, Path local, List<Item> items) throws IOException {
        Files.createDirectories(local);
        String cursor = null;
        do {
            NamespaceApi.Listing page = client().list(directory, cursor, 500);
            for (NamespaceApi.ListEntry entry : page.entries()) {
                String path = child(directory, entry.name());
                if ("DIR".equals(entry.type())) {
                    walk(path, local.resolve(entry.name()), items);
                } else {
                    items.add(new Item(path, local.resolve(entry.name())));
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    private Map<String, Object> download(Item item, Progress progress, RateLimit rate) throws IOException {
        Path destination = item.local();
        if (noClobber && Files.exists(destination)) {
            throw new CliFailure(ExitCodes.CONFLICT, "Local file exists", destination + " (--no-clobber)");
        }
        if (destination.getParent() != null) {
            Files.createDirectories(destination.getParent());
        }
        Path part = destination.resolveSibling(destination.getFileName() + PART);
        Path record = destination.resolveSibling(destination.getFileName() + PART + ".json");
        long have = 0;
        PartRecord previous = null;
        if (!noResume && Files.isRegularFile(part) && Files.isRegularFile(record)) {
            previous = readRecord(record);
            have = previous == null ? 0 : Files.size(part);
        }
        Downloader.Download download;
        try {
            download = client().open(item.remote(), version, have, null);
        } catch (io.p2pfs.client.P2pfsException e) {
            if (have == 0 || e.status() != 416) {
                throw e;
            }
            have = 0;
            download = client().open(item.remote(), version, 0, null);
        }
        Downloads.ManifestPage first = download.first();
        if (have > 0 && (previous == null || !previous.path().equals(item.remote())
                || !previous.etag().equals(first.etag()) || previous.size() != first.size() || have > first.size())) {
            // The file changed since the part was written (or the part is not of it): start over.
            have = 0;
            download = client().open(item.remote(), version, 0, null);
            first = download.first();
        }
        if (have == 0) {
            Files.deleteIfExists(part);
            writeRecord(record, new PartRecord(item.remote(), first.version(), first.etag(), first.size()));
        }
        // A fresh download needs no hash pass (every chunk is authenticated as it is decrypted); a
        // resumed one checks that the bytes kept from before and the new ones make the committed content.
        MessageDigest sha256 = have > 0 && first.sha256() != null ? sha256() : null;
        if (sha256 != null) {
            hashPrefix(part, have, sha256);
        }
        Progress.Transfer transfer = progress.start(item.remote(), first.size());
        transfer.add(have);
        try (OutputStream file = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            OutputStream sink = transfer.meter(new BufferedOutputStream(file, 1 << 16));
            if (sha256 != null) {
                sink = new DigestOutputStream(sink, sha256);
            }
            if (rate != null) {
                sink = rate.limit(sink);
            }
            if (have < first.size()) {
                download.writeTo(sink);
            }
            sink.flush();
        } catch (IOException | RuntimeException e) {
            transfer.failed();
            throw e;
        }
        String digest = sha256 == null ? null : HexFormat.of().formatHex(sha256.digest());
        if (Files.size(part) != first.size() || (digest != null && !first.sha256().equals(digest))) {
            transfer.failed();
            Files.deleteIfExists(part);
            Files.deleteIfExists(record);
            throw new CliFailure(ExitCodes.OTHER, "Download did not verify", item.remote()
                    + ": the content does not match its SHA-256; the partial file was removed, run get again");
        }
        if (noClobber) {
            Files.move(part, destination);
        } else {
            Files.move(part, destination, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(record);
        transfer.done();
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("path", item.remote());
        done.put("local", destination.toString());
        done.put("size", first.size());
        done.put("version", first.version());
        done.put("etag", first.etag());
        done.put("sha256", first.sha256());
        done.put("resumedFrom", have);
        return done;
    }

    private static void hashPrefix(Path part, long length, MessageDigest sha256) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = length;
        try (InputStream in = Files.newInputStream(part)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                sha256.update(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static PartRecord readRecord(Path record) {
        try {
            PartRecord part = Printer.JSON.readValue(record.toFile(), PartRecord.class);
            return part.path() == null || part.etag() == null ? null : part;
        } catch (IOException damaged) {
            return null;
        }
    }

    private static void writeRecord(Path record, PartRecord part) throws IOException {
        Files.write(record, Printer.JSON.writeValueAsBytes(part));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.output.Progress;
import io.p2pfs.cli.output.Sizes;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.client.transfer.Downloader;
import io.p2pfs.client.transfer.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Copies inside p2pfs: each file is read from its replicas and written as a new file, streaming
 * through this command (nothing is stored locally). Chunks the writer already stores are not
 * sent again.
 */
@Command(name = "cp", description = {"Copy a file (or with -r a directory) to another path in p2pfs.",
    "Into an existing directory, the copy keeps its name."},
        footerHeading = "%nExamples:%n", footer = {"  p2pfs cp /alice/report.pdf /alice/backup/",
            "  p2pfs cp -r /alice/photos /alice/photos-2026", "  p2pfs cp /bob/shared.txt /alice/mine.txt"})
public final class CopyCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "FROM")
    String from;

    @Parameters(index = "1", paramLabel = "TO")
    String to;

    @Option(names = {"-r", "--recursive"}, description = "Copy a directory with everything below it.")
    boolean recursive;

    @Option(names = {"-P", "--parallel"}, paramLabel = "N", defaultValue = "4",
            description = "Files copied at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--no-clobber", description = "Never overwrite a file that exists (exit 5).")
    boolean noClobber;

    record Item(String source, String target, long size) {
    }

    @Override
    protected int execute() throws Exception {
        String source = remote(from);
        String target = remote(to);
        NamespaceApi.Stat stat = client().stat(source);
        if (to.endsWith("/") || isDirectory(target)) {
            target = child(target, name(source));
        }
        if (target.equals(source) || target.startsWith(source + "/")) {
            throw CliFailure.usage("cannot copy " + source + " onto or into itself");
        }
        List<Item> items = new ArrayList<>();
        if ("DIR".equals(stat.type())) {
            if (!recursive) {
                throw CliFailure.usage(source + " is a directory: use -r to copy it");
            }
            client().mkdirs(target, lockTokens().tokensFor(target));
            walk(source, target, items);
        } else {
            items.add(new Item(source, target, stat.size() == null ? -1 : stat.size()));
        }
        try (Progress progress = progress()) {
            Batch.Outcome<Item, Map<String, Object>> outcome = Batch.run(items, parallel,
                    item -> copy(item, progress), Item::source, env().err());
            if (jsonOutput()) {
                printer().json(outcome.done());
            } else {
                for (Map<String, Object> done : outcome.done()) {
                    printer().line("copied " + done.get("from") + " -> " + done.get("path") + "  "
                            + Sizes.bytes((Long) done.get("size")));
                }
            }
            return outcome.exitCode();
        }
    }

    private void walk(String directory, String target, List<Item> items) {
        String cursor = null;
        do {
            NamespaceApi.Listing page = client().list(directory, cursor, 500);
            for (NamespaceApi.ListEntry entry : page.entries()) {
                String path = child(directory, entry.name());
                String copy = child(target, entry.name());
                if ("DIR".equals(entry.type())) {
                    client().mkdirs(copy, lockTokens().tokensFor(copy));
                    walk(path, copy, items);
                } else {
                    items.add(new Item(path, copy, entry.size() == null ? -1 : entry.size()));
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    private Map<String, Object> copy(Item item, Progress progress) throws Exception {
        Downloader.Download download = client().open(item.source(), null, 0, null);
        Progress.Transfer transfer = progress.start(item.target(), download.first().size());
        PipedInputStream pipe = new PipedInputStream(1 << 20);
        PipedOutputStream feed = new PipedOutputStream(pipe);
        CompletableFuture<Long> reading = CompletableFuture.supplyAsync(() -> {
            try (feed) {
                return download.writeTo(transfer.meter(feed));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Set<String> tokens = new HashSet<>(lockTokens().tokensFor(item.target()));
        try (InputStream in = pipe) {
            Uploader.Outcome outcome = client().upload(item.target(), in, new Uploader.Options(null, noClobber, tokens));
            reading.join();
            transfer.done();
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("from", item.source());
            done.put("path", outcome.result().path());
            done.put("size", outcome.result().size());
            done.put("version", outcome.result().version());
            done.put("chunksSent", outcome.result().chunksSent());
            return done;
        } catch (IOException brokenPipe) {
            // The upload reads a pipe the download feeds: when the pipe breaks, the download's
            // failure (refused, unavailable) is the one that says why.
            transfer.failed();
            try {
                reading.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException failed) {
                if (failed.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
            }
            throw brokenPipe;
        } catch (RuntimeException refused) {
            transfer.failed();
            throw refused;
        }
    }
}

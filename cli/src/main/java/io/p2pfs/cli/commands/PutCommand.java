package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import io.p2pfs.cli.output.Progress;
import io.p2pfs.cli.output.Sizes;
import io.p2pfs.client.transfer.Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Uploads local files on the direct data path: the command cuts, encrypts and writes the chunks
 * to the storage peers itself, several files at once.
 */
@Command(name = "put", description = {"Upload files (and with -r folders) to p2pfs.",
    "The last argument is the target; with one argument, your home directory is."},
        footerHeading = "%nExamples:%n", footer = {
            "  p2pfs put report.pdf                      # into your home directory",
            "  p2pfs put report.pdf /alice/reports/      # into a directory",
            "  p2pfs put report.pdf /alice/r/final.pdf   # under another name",
            "  p2pfs put -r photos /alice/               # a folder, 4 files at a time",
            "  p2pfs put --no-clobber a.txt b.txt /alice/inbox/"})
public final class PutCommand extends CliCommand {

    @Parameters(arity = "1..*", paramLabel = "SOURCE... [TARGET]", description = "Local files, then the remote target.")
    List<String> arguments;

    @Option(names = {"-r", "--recursive"}, description = "Upload folders with everything in them.")
    boolean recursive;

    @Option(names = {"-P", "--parallel"}, paramLabel = "N", defaultValue = "4",
            description = "Files uploaded at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--no-clobber", description = "Never overwrite: a file that exists is a conflict (exit 5).")
    boolean noClobber;

    @Option(names = "--if-match", paramLabel = "ETAG",
            description = "Overwrite only while the file still has this ETag (a single file).")
    String ifMatch;

    @Option(names = "--lock-token", paramLabel = "TOKEN",
            description = "A lock token to present (the tokens of your own p2pfs locks are presented by themselves).")
    List<String> lockTokenOptions = new ArrayList<>();

    record Item(Path local, String remote, long size) {
    }

    @Override
    protected int execute() throws Exception {
        List<String> sources = arguments.size() == 1 ? arguments : arguments.subList(0, arguments.size() - 1);
        String typedTarget = arguments.size() == 1 ? "." : arguments.get(arguments.size() - 1);
        String target = remote(typedTarget);
        List<Path> locals = new ArrayList<>();
        boolean anyDirectory = false;
        for (String source : sources) {
            Path local = env().local(source);
            if (!Files.exists(local)) {
                throw new NoSuchFileException(source);
            }
            if (Files.isDirectory(local)) {
                if (!recursive) {
                    throw CliFailure.usage(source + " is a folder: use -r to upload it");
                }
                anyDirectory = true;
            }
            locals.add(local);
        }
        boolean intoDirectory = arguments.size() == 1 || sources.size() > 1 || typedTarget.endsWith("/")
                || isDirectory(target);
        if (ifMatch != null && (sources.size() > 1 || anyDirectory)) {
            throw CliFailure.usage("--if-match applies to a single file");
        }
        List<Item> items = new ArrayList<>();
        Set<String> directories = new TreeSet<>();
        if (intoDirectory) {
            directories.add(target);
        }
        for (Path local : locals) {
            String base = intoDirectory ? child(target, local.getFileName().toString()) : target;
            if (Files.isDirectory(local)) {
                directories.add(base);
                collect(local, base, items, directories);
            } else {
                items.add(new Item(local, base, Files.size(local)));
            }
        }
        for (Item item : items) {
            directories.add(parent(item.remote()));
        }
        makeDirectories(directories);
        Set<String> presented = new HashSet<>(lockTokenOptions);
        try (Progress progress = progress()) {
            Batch.Outcome<Item, Map<String, Object>> outcome = Batch.run(items, parallel,
                    item -> upload(item, progress, presented), Item::remote, env().err());
            if (jsonOutput()) {
                printer().json(outcome.done());
            } else {
                for (Map<String, Object> done : outcome.done()) {
                    printer().line("uploaded " + done.get("path") + "  " + Sizes.bytes((Long) done.get("size"))
                            + "  version " + done.get("version"));
                }
            }
            return outcome.exitCode();
        }
    }

    private Map<String, Object> upload(Item item, Progress progress, Set<String> presented) throws IOException {
        Set<String> tokens = new HashSet<>(presented);
        tokens.addAll(lockTokens().tokensFor(item.remote()));
        Progress.Transfer transfer = progress.start(item.remote(), item.size());
        try (InputStream in = transfer.meter(Files.newInputStream(item.local()))) {
            Uploader.Outcome outcome = client().upload(item.remote(), in,
                    new Uploader.Options(ifMatch, noClobber, tokens));
            transfer.done();
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("local", item.local().toString());
            done.put("path", outcome.result().path());
            done.put("size", outcome.result().size());
            done.put("version", outcome.result().version());
            done.put("etag", outcome.result().etag());
            done.put("created", outcome.result().created());
            done.put("chunks", outcome.result().chunks());
            done.put("chunksSent", outcome.result().chunksSent());
            if (outcome.result().conflict() != null) {
                done.put("conflict", outcome.result().conflict());
            }
            return done;
        } catch (IOException | RuntimeException e) {
            transfer.failed();
            throw e;
        }
    }

    private void collect(Path folder, String base, List<Item> items, Set<String> directories) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                String relative = folder.relativize(path).toString().replace('\\', '/');
                String remote = relative.isEmpty() ? base : base + "/" + relative;
                if (Files.isDirectory(path)) {
                    directories.add(remote);
                } else if (Files.isRegularFile(path)) {
                    items.add(new Item(path, remote, Files.size(path)));
                }
            }
        }
    }

    /** Creates the directories the uploads need, each deepest one once (with its parents). */
    private void makeDirectories(Set<String> directories) {
        List<String> deepest = new ArrayList<>();
        for (String directory : directories) {
            boolean hasChild = directories.stream().anyMatch(other -> other.startsWith(directory.equals("/") ? "/"
                    : directory + "/") && !other.equals(directory));
            if (!hasChild && !directory.equals("/")) {
                deepest.add(directory);
            }
        }
        for (String directory : deepest) {
            client().mkdirs(directory, lockTokens().tokensFor(directory));
        }
    }

}

package io.p2pfs.metadata.downloads;

import io.p2pfs.client.api.Downloads;
import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.ServiceUnavailable;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.metadata.core.Offload;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.replicas.PlacementPlanner;
import io.p2pfs.metadata.replicas.ReplicaDirectory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Manifests for downloads: the chunks that cover a byte range of a version, each with its key
 * and its live replicas with read tokens, at most {@value #MAX_PAGE_CHUNKS} chunks a page. Every
 * page checks DOWNLOAD again (a revoked grant stops the next page) and is recorded as
 * {@code file.downloaded} with the range it covers. Token signing runs off the event loop.
 */
@ApplicationScoped
public class ManifestService {

    public static final int MAX_PAGE_CHUNKS = 1024;

    private final AclService acls;
    private final KeyRing keys;
    private final ReplicaDirectory replicas;
    private final PlacementPlanner planner;
    private final Outbox outbox;
    private final Offload offload;

    public ManifestService(AclService acls, KeyRing keys, ReplicaDirectory replicas, PlacementPlanner planner,
            Outbox outbox, Offload offload) {
        this.acls = acls;
        this.keys = keys;
        this.replicas = replicas;
        this.planner = planner;
        this.outbox = outbox;
        this.offload = offload;
    }

    /** A chunk of the page and where it can be read, before tokens are signed. */
    private record Located(long offset, Manifest.ChunkRef chunk, List<ReplicaDirectory.Source> sources) {
    }

    private record Page(FsPath path, FileVersion version, String etag, long from, long to, List<Located> chunks,
            Long next, byte[] inline) {

        Page(FsPath path, FileVersion version, String etag, long from, long to, List<Located> chunks, Long next) {
            this(path, version, etag, from, to, chunks, next, null);
        }
    }

    /** Bytes {@code [from, to)} of content of {@code size} bytes, as a request asks for them. */
    private record Range(long from, long to) {

        /** A negative offset counts from the end; past the end is 416; {@code length} null: to the end. */
        static Range of(long size, long requested, Long length) {
            long offset = requested < 0 ? Math.max(0, size + requested) : requested;
            if (offset > size || (offset == size && size > 0)) {
                throw new RangeNotSatisfiable(size);
            }
            return new Range(offset, length == null ? size : Math.min(size, offset + length));
        }
    }

    /** The range of a file kept inline: its bytes themselves, no chunk, no token. */
    private static Page inlinePage(FsPath path, FileVersion row, String etag, Manifest manifest, long requested,
            Long length) {
        Range range = Range.of(manifest.inline().length, requested, length);
        return new Page(path, row, etag, range.from(), range.to(), List.of(), null,
                java.util.Arrays.copyOfRange(manifest.inline(), (int) range.from(), (int) range.to()));
    }

    /**
     * The page of bytes {@code [offset, offset + length)} ({@code length} null: to the end) of
     * {@code version} (null: the current one). A negative offset counts from the end: {@code -n}
     * is the last n bytes (as a {@code bytes=-n} range).
     */
    public Uni<Downloads.ManifestPage> page(FsPath path, Integer version, long offset, Long length, Caller caller) {
        if (version != null && version < 1) {
            throw new BadRequest("version must be a positive number.");
        }
        if (length != null && length < 0) {
            throw new BadRequest("length must not be negative.");
        }
        return Panache.withTransaction(() -> acls.require(path, caller, Permission.DOWNLOAD, "download")
                .flatMap(entry -> {
                    if (entry.isDir()) {
                        throw new Conflict(path + " is a directory; list it with /api/v1/list" + path + ".");
                    }
                    int wanted = version != null ? version : entry.currentVersion;
                    return FileVersion.<FileVersion>findById(new FileVersion.Key(entry.entryId, wanted))
                            .flatMap(row -> {
                                if (row == null) {
                                    throw new NotFound(path + " has no version " + wanted + ".");
                                }
                                Manifest manifest = Manifest.open(keys, row.keyId, row.manifestSealed, entry.entryId,
                                        wanted);
                                if (manifest.isInline()) {
                                    return Uni.createFrom().item(inlinePage(path, row, ETags.of(entry.entryId, wanted),
                                            manifest, offset, length));
                                }
                                return locate(path, row, ETags.of(entry.entryId, wanted), manifest, offset, length);
                            });
                })
                .call(page -> record(page, caller)))
                .flatMap(page -> offload.cpu(() -> sign(page)));
    }

    private Uni<Page> locate(FsPath path, FileVersion row, String etag, Manifest manifest, long requested,
            Long length) {
        Range range = Range.of(row.size, requested, length);
        long offset = range.from();
        long to = range.to();
        List<Long> offsets = new ArrayList<>();
        List<Manifest.ChunkRef> covering = new ArrayList<>();
        long position = 0;
        Long next = null;
        for (Manifest.ChunkRef chunk : manifest.chunks()) {
            long end = position + chunk.plainLength();
            if (end > offset && position < to) {
                if (covering.size() == MAX_PAGE_CHUNKS) {
                    next = position;
                    break;
                }
                offsets.add(position);
                covering.add(chunk);
            }
            position = end;
        }
        Long nextPage = next;
        List<String> ids = covering.stream().map(Manifest.ChunkRef::chunkId).distinct().toList();
        return Panache.getSession().flatMap(db -> replicas.sources(db, ids)).map(sources -> {
            List<Located> located = new ArrayList<>(covering.size());
            for (int i = 0; i < covering.size(); i++) {
                List<ReplicaDirectory.Source> live = sources.getOrDefault(covering.get(i).chunkId(), List.of())
                        .stream().filter(ReplicaDirectory.Source::up).toList();
                if (live.isEmpty()) {
                    throw new ServiceUnavailable("A chunk of this file has no reachable replica right now.")
                            .withHeader("Retry-After", "30");
                }
                located.add(new Located(offsets.get(i), covering.get(i), live));
            }
            return new Page(path, row, etag, offset, to, located, nextPage);
        });
    }

    private Uni<Void> record(Page page, Caller caller) {
        long end = page.next() != null ? page.next() : page.to();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", page.path().toString());
        details.put("version", page.version().version);
        details.put("offset", page.from());
        details.put("length", Math.max(0, end - page.from()));
        details.put("size", page.version().size);
        return outbox.record(Topics.ACCESS, caller.id(), EventTypes.FILE_DOWNLOADED, page.path().toString(),
                AuditData.success(caller.id(), EventTypes.FILE_DOWNLOADED, page.path().toString(), details).by(caller.subject()))
                .replaceWithVoid();
    }

    private Downloads.ManifestPage sign(Page page) {
        Base64.Encoder base64 = Base64.getEncoder();
        List<Downloads.ChunkLocation> chunks = new ArrayList<>(page.chunks().size());
        for (Located located : page.chunks()) {
            String chunkId = located.chunk().chunkId();
            List<Downloads.Source> sources = located.sources().stream().map(source -> new Downloads.Source(
                    source.nodeId().toString(), source.url(), planner.readToken(chunkId, source.nodeId()))).toList();
            chunks.add(new Downloads.ChunkLocation(located.offset(), located.chunk().plainLength(), chunkId,
                    base64.encodeToString(located.chunk().key()), sources));
        }
        return new Downloads.ManifestPage(page.path().toString(), page.version().version, page.version().size,
                page.etag(), HexFormat.of().formatHex(page.version().contentSha256), page.from(),
                page.to() - page.from(), chunks, page.next(),
                page.inline() == null ? null : base64.encodeToString(page.inline()));
    }

    /** 416 with the size, as RFC 9110 asks. */
    public static final class RangeNotSatisfiable extends ProblemException {
        public RangeNotSatisfiable(long size) {
            super(416, "Range Not Satisfiable", "The range lies outside the content (" + size + " bytes).");
            withHeader("Content-Range", "bytes */" + size);
        }
    }
}

package io.p2pfs.metadata.gateway;

import io.p2pfs.client.P2pfsException;
import io.p2pfs.client.api.Downloads;
import io.p2pfs.client.api.Uploads;
import io.p2pfs.client.transfer.Downloader;
import io.p2pfs.client.transfer.Uploader;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.common.problem.ServiceUnavailable;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.core.Caller;
import io.p2pfs.metadata.core.Db;
import io.p2pfs.metadata.core.ETags;
import io.p2pfs.metadata.downloads.ManifestService;
import io.p2pfs.metadata.files.NamespaceService;
import io.p2pfs.metadata.files.RecursiveDelete;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.WriteGuard;
import io.p2pfs.metadata.users.UserDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * {@code /api/v1/files/{path}}: the gateway for curl and browsers. An upload or download runs
 * the client library's chunk pipeline here, on the caller's behalf, against the same control
 * plane direct clients use, so both paths share sessions, placements, receipts, manifests and
 * their checks. Range, ETags, conditions, locks and conflict strategies work as for any client.
 */
@Path("/api/v1/files")
@RolesAllowed({"user", "admin"})
public class FileResource {

    private final GatewayTransfers transfers;
    private final NamespaceService namespaceService;
    private final RecursiveDelete recursiveDelete;
    private final SecurityIdentity identity;
    private final UserDirectory users;
    private final AclService acls;
    private final WriteGuard guard;

    public FileResource(GatewayTransfers transfers, NamespaceService namespaceService, RecursiveDelete recursiveDelete,
            SecurityIdentity identity, UserDirectory users, AclService acls, WriteGuard guard) {
        this.transfers = transfers;
        this.namespaceService = namespaceService;
        this.recursiveDelete = recursiveDelete;
        this.identity = identity;
        this.users = users;
        this.acls = acls;
        this.guard = guard;
    }

    /** Streams the body into a new version (blocking: it reads the body as it arrives). */
    @PUT
    @Path("{path: .+}")
    @Blocking
    @Consumes(MediaType.WILDCARD)
    public Response upload(@PathParam("path") String rawPath, InputStream body, @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("If-None-Match") String ifNoneMatch) {
        FsPath path = FsPath.parse(rawPath);
        if (ifNoneMatch != null && !ifNoneMatch.trim().equals("*")) {
            throw new BadRequest("On uploads, If-None-Match only supports '*' (create only).");
        }
        Caller caller = caller();
        Set<String> tokens = guard.presentedTokens();
        Uploads.Result result;
        try {
            result = transfers.uploader().upload(transfers.controlFor(caller), path.toString(), body,
                    new Uploader.Options(ifMatch, ifNoneMatch != null, tokens)).result();
        } catch (java.io.InterruptedIOException e) {
            throw new ServiceUnavailable("The upload was interrupted; nothing was stored.");
        } catch (IOException e) {
            throw new BadRequest("The upload body broke off before its end; nothing was stored.");
        } catch (P2pfsException e) {
            throw translated(e);
        }
        return Response.status(result.created() ? 201 : 200).header("ETag", result.etag())
                .header("Location", "/api/v1/files" + result.path()).type(MediaType.APPLICATION_JSON).entity(result)
                .header("X-P2pfs-Conflict", result.conflict() == null ? null : result.conflict().strategy())
                .build();
    }

    /** A version as a download starts from it: which one, its size and ETag, and who may see its hash. */
    private record Resolved(FileVersion version, String etag, boolean mayDownload) {
    }

    /**
     * The DOWNLOAD check and the {@code file.downloaded} record happen once, in the manifest's
     * first page, which also gives the size, version and ETag the headers need. Only with
     * {@code If-None-Match} is the version looked up first (READ, as for HEAD): a match is 304
     * without a download recorded.
     */
    @GET
    @Path("{path: .+}")
    @Blocking
    public Response download(@PathParam("path") String rawPath, @QueryParam("version") Integer versionParam,
            @HeaderParam("Range") String range, @HeaderParam("If-None-Match") String ifNoneMatch) {
        FsPath path = FsPath.parse(rawPath);
        Caller caller = caller();
        ByteRange requested = ByteRange.parse(range);
        Integer version = versionParam;
        if (ifNoneMatch != null || requested.unsatisfiable()) {
            Resolved resolved = resolve(path, versionParam, caller, Permission.READ, "download");
            if (ifNoneMatch != null && ETags.matches(ifNoneMatch, resolved.etag())) {
                return Response.notModified().header("ETag", resolved.etag()).build();
            }
            if (requested.unsatisfiable()) {
                throw new ManifestService.RangeNotSatisfiable(resolved.version().size);
            }
            version = resolved.version().version;
        }
        Downloader.Download download;
        try {
            download = transfers.downloader().open(transfers.controlFor(caller), path.toString(), version,
                    requested.offset(), requested.length());
        } catch (P2pfsException e) {
            throw translated(e);
        }
        Downloads.ManifestPage first = download.first();
        if (requested.partial() && first.size() == 0) {
            throw new ManifestService.RangeNotSatisfiable(0);
        }
        StreamingOutput content = download::writeTo;
        Response.ResponseBuilder response = Response.status(requested.partial() ? 206 : 200).entity(content)
                .type(MediaType.APPLICATION_OCTET_STREAM).header("ETag", first.etag())
                .header("Accept-Ranges", "bytes").header("Content-Length", first.length())
                .header("X-P2pfs-Version", first.version())
                .header("Digest", "sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(first.sha256())));
        if (requested.partial()) {
            response.header("Content-Range", "bytes " + first.offset() + "-" + (first.offset() + first.length() - 1)
                    + "/" + first.size());
        }
        return response.build();
    }

    @HEAD
    @Path("{path: .+}")
    @Blocking
    public Response head(@PathParam("path") String rawPath, @QueryParam("version") Integer versionParam) {
        FsPath path = FsPath.parse(rawPath);
        Resolved resolved = resolve(path, versionParam, caller(), Permission.READ, "head");
        Response.ResponseBuilder response = Response.ok().type(MediaType.APPLICATION_OCTET_STREAM)
                .header("ETag", resolved.etag()).header("Accept-Ranges", "bytes")
                .header("Content-Length", resolved.version().size)
                .header("X-P2pfs-Version", resolved.version().version);
        if (resolved.mayDownload()) {
            response.header("X-P2pfs-Sha256", HexFormat.of().formatHex(resolved.version().contentSha256));
        }
        return response.build();
    }

    /**
     * A file, an empty directory or, with {@code recursive=true}, a directory and everything below
     * it. The path may be empty so that {@code /} is answered (400: it can never be deleted).
     */
    @DELETE
    @Path("{path: .*}")
    public Uni<Response> delete(@PathParam("path") String rawPath,
            @QueryParam("recursive") @DefaultValue("false") boolean recursive) {
        FsPath path = FsPath.parse(rawPath);
        return users.caller(identity).flatMap(caller -> recursive ? recursiveDelete.delete(path, caller)
                : namespaceService.delete(path, caller)).replaceWith(Response.noContent().build());
    }

    /** The caller, resolved from a worker thread. */
    private Caller caller() {
        return Db.inTransaction(session -> users.caller(identity));
    }

    private Resolved resolve(FsPath path, Integer versionParam, Caller caller, Permission permission, String action) {
        if (versionParam != null && versionParam < 1) {
            throw new BadRequest("version must be a positive number.");
        }
        return Db.inTransaction(session -> acls.requireChain(path, caller, permission, action).flatMap(chain -> {
            var entry = chain.get(chain.size() - 1);
            if (entry.isDir()) {
                throw new Conflict(path + " is a directory; list it with /api/v1/list" + path + ".");
            }
            int wanted = versionParam != null ? versionParam : entry.currentVersion;
            return FileVersion.<FileVersion>findById(new FileVersion.Key(entry.entryId, wanted))
                    .flatMap(version -> {
                        if (version == null) {
                            throw new NotFound(path + " has no version " + wanted + ".");
                        }
                        return acls.held(chain, caller).map(held -> new Resolved(version,
                                ETags.of(entry.entryId, wanted), held.contains(Permission.DOWNLOAD)));
                    });
        }));
    }

    /** A pipeline failure as the problem the caller gets. */
    private static ProblemException translated(P2pfsException e) {
        if (e.status() == 503) {
            return new ServiceUnavailable(e.detail()).withHeader("Retry-After", "30");
        }
        return new TransferFailed(e.status(), e.title(), e.detail());
    }

    /** A failure the pipeline reported with its own status. */
    static final class TransferFailed extends ProblemException {
        TransferFailed(int status, String title, String detail) {
            super(status, title, detail);
        }
    }

    /**
     * A single byte range as the manifest takes it: {@code bytes=a-b} (offset a, length b-a+1),
     * {@code bytes=a-} (from a), {@code bytes=-n} (the last n bytes: offset -n); no header is
     * the whole content. The manifest clips it to the content and answers 416 past its end.
     */
    record ByteRange(long offset, Long length, boolean partial) {

        /** {@code bytes=-0}: no byte can satisfy it. */
        boolean unsatisfiable() {
            return partial && length != null && length == 0;
        }

        static ByteRange parse(String header) {
            if (header == null || header.isBlank()) {
                return new ByteRange(0, null, false);
            }
            String spec = header.trim();
            if (!spec.startsWith("bytes=") || spec.contains(",")) {
                throw new BadRequest("Only a single byte range (bytes=a-b) is supported.");
            }
            String[] bounds = spec.substring(6).split("-", -1);
            try {
                if (bounds.length != 2 || (bounds[0].isEmpty() && bounds[1].isEmpty())) {
                    throw new NumberFormatException();
                }
                if (bounds[0].isEmpty()) {
                    long suffix = Long.parseLong(bounds[1]);
                    if (suffix < 0) {
                        throw new NumberFormatException();
                    }
                    return suffix == 0 ? new ByteRange(0, 0L, true) : new ByteRange(-suffix, null, true);
                }
                long from = Long.parseLong(bounds[0]);
                if (from < 0) {
                    throw new NumberFormatException();
                }
                if (bounds[1].isEmpty()) {
                    return new ByteRange(from, null, true);
                }
                long to = Long.parseLong(bounds[1]);
                if (to < from) {
                    throw new BadRequest("A range's last byte comes before its first.");
                }
                return new ByteRange(from, to - from + 1, true);
            } catch (NumberFormatException e) {
                throw new BadRequest("Malformed Range header.");
            }
        }
    }
}

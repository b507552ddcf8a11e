package io.p2pfs.metadata.datapath;

import io.p2pfs.common.events.AuditData;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.events.Topics;
import io.p2pfs.common.outbox.Outbox;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.Conflict;
import io.p2pfs.common.problem.NotFound;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.metadata.Db;
import io.p2pfs.metadata.acl.AclService;
import io.p2pfs.metadata.acl.Permission;
import io.p2pfs.metadata.users.UserDirectory;
import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.namespace.Caller;
import io.p2pfs.metadata.namespace.FileVersion;
import io.p2pfs.metadata.namespace.Manifest;
import io.p2pfs.metadata.namespace.Namespace;
import io.p2pfs.metadata.namespace.NamespaceService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Map;

/** {@code /api/v1/files/{path}}: upload, download, head and delete file content. */
@Path("/api/v1/files")
@RolesAllowed({"user", "admin"})
public class FileResource {

    private final UploadPipeline uploads;
    private final DownloadStreamer downloads;
    private final Namespace namespace;
    private final NamespaceService namespaceService;
    private final KeyRing keys;
    private final Outbox outbox;
    private final SecurityIdentity identity;
    private final UserDirectory users;
    private final AclService acls;

    public FileResource(UploadPipeline uploads, DownloadStreamer downloads, Namespace namespace,
            NamespaceService namespaceService, KeyRing keys, Outbox outbox, SecurityIdentity identity,
            UserDirectory users, AclService acls) {
        this.users = users;
        this.acls = acls;
        this.uploads = uploads;
        this.downloads = downloads;
        this.namespace = namespace;
        this.namespaceService = namespaceService;
        this.keys = keys;
        this.outbox = outbox;
        this.identity = identity;
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
        UploadPipeline.Result result = uploads.upload(path, body, caller,
                new UploadPipeline.Conditions(ifMatch, ifNoneMatch != null));
        return Response.status(result.created() ? 201 : 200).header("ETag", result.etag())
                .header("Location", "/api/v1/files" + result.path()).type(MediaType.APPLICATION_JSON).entity(result)
                .header("X-P2pfs-Conflict", result.conflict() == null ? null : result.conflict().strategy())
                .build();
    }

    /** What a download needs, resolved before the response starts. */
    private record Download(Manifest manifest, FileVersion version, String etag) {
    }

    @GET
    @Path("{path: .+}")
    @Blocking
    public Response download(@PathParam("path") String rawPath, @QueryParam("version") Integer versionParam,
            @HeaderParam("Range") String range, @HeaderParam("If-None-Match") String ifNoneMatch) {
        FsPath path = FsPath.parse(rawPath);
        Caller caller = caller();
        Download download = resolve(path, versionParam, caller, Permission.DOWNLOAD);
        if (ifNoneMatch != null && UploadPipeline.matches(ifNoneMatch, download.etag())) {
            return Response.notModified().header("ETag", download.etag()).build();
        }
        long size = download.version().size;
        ByteRange byteRange = ByteRange.parse(range, size);
        var sources = downloads.sources(download.manifest());
        Db.inTransaction(session -> outbox.record(Topics.ACCESS, caller.id(), EventTypes.FILE_DOWNLOADED,
                path.toString(), AuditData.success(caller.id(), EventTypes.FILE_DOWNLOADED, path.toString(),
                        Map.of("path", path.toString(), "version", download.version().version,
                                "bytes", byteRange.length()))));
        StreamingOutput content = out -> downloads.stream(download.manifest(), sources, byteRange.from(),
                byteRange.to(), out);
        Response.ResponseBuilder response = Response.status(byteRange.partial() ? 206 : 200).entity(content)
                .type(MediaType.APPLICATION_OCTET_STREAM).header("ETag", download.etag())
                .header("Accept-Ranges", "bytes").header("Content-Length", byteRange.length())
                .header("X-P2pfs-Version", download.version().version)
                .header("Digest", "sha-256=" + java.util.Base64.getEncoder().encodeToString(
                        download.version().contentSha256));
        if (byteRange.partial()) {
            response.header("Content-Range", "bytes " + byteRange.from() + "-" + (byteRange.to() - 1) + "/" + size);
        }
        return response.build();
    }

    @HEAD
    @Path("{path: .+}")
    @Blocking
    public Response head(@PathParam("path") String rawPath, @QueryParam("version") Integer versionParam) {
        FsPath path = FsPath.parse(rawPath);
        Download download = resolve(path, versionParam, caller(), Permission.READ);
        return Response.ok().type(MediaType.APPLICATION_OCTET_STREAM).header("ETag", download.etag())
                .header("Accept-Ranges", "bytes").header("Content-Length", download.version().size)
                .header("X-P2pfs-Version", download.version().version)
                .header("X-P2pfs-Sha256", HexFormat.of().formatHex(download.version().contentSha256)).build();
    }

    @DELETE
    @Path("{path: .+}")
    public Uni<Response> delete(@PathParam("path") String rawPath) {
        FsPath path = FsPath.parse(rawPath);
        return users.caller(identity).flatMap(caller -> namespaceService.delete(path, caller))
                .replaceWith(Response.noContent().build());
    }

    /** The caller, resolved from a worker thread. */
    private Caller caller() {
        return Db.inTransaction(session -> users.caller(identity));
    }

    private Download resolve(FsPath path, Integer versionParam, Caller caller, Permission permission) {
        if (versionParam != null && versionParam < 1) {
            throw new BadRequest("version must be a positive number.");
        }
        return Db.inTransaction(session -> acls.require(path, caller, permission, "download").flatMap(entry -> {
            if (entry.isDir()) {
                throw new Conflict(path + " is a directory; list it with /api/v1/list" + path + ".");
            }
            int wanted = versionParam != null ? versionParam : entry.currentVersion;
            return FileVersion.<FileVersion>findById(new FileVersion.Key(entry.entryId, wanted)).map(version -> {
                if (version == null) {
                    throw new NotFound(path + " has no version " + wanted + ".");
                }
                return new Download(Manifest.open(keys, version.keyId, version.manifestSealed, entry.entryId, wanted), version,
                        UploadPipeline.etag(entry.entryId, wanted));
            });
        }));
    }

    /** A single byte range ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}), or the whole content. */
    record ByteRange(long from, long to, boolean partial) {

        long length() {
            return to - from;
        }

        static ByteRange parse(String header, long size) {
            if (header == null || header.isBlank()) {
                return new ByteRange(0, size, false);
            }
            String spec = header.trim();
            if (!spec.startsWith("bytes=") || spec.contains(",")) {
                throw new BadRequest("Only a single byte range (bytes=a-b) is supported.");
            }
            String[] bounds = spec.substring(6).split("-", -1);
            try {
                long from;
                long to;
                if (bounds.length != 2 || (bounds[0].isEmpty() && bounds[1].isEmpty())) {
                    throw new NumberFormatException();
                }
                if (bounds[0].isEmpty()) {
                    long suffix = Long.parseLong(bounds[1]);
                    from = Math.max(0, size - suffix);
                    to = size;
                } else {
                    from = Long.parseLong(bounds[0]);
                    to = bounds[1].isEmpty() ? size : Math.min(size, Long.parseLong(bounds[1]) + 1);
                }
                if (from >= size || from >= to || from < 0) {
                    throw new RangeNotSatisfiable(size);
                }
                return new ByteRange(from, to, true);
            } catch (NumberFormatException e) {
                throw new BadRequest("Malformed Range header.");
            }
        }
    }

    /** 416 with the size, as RFC 9110 asks. */
    static final class RangeNotSatisfiable extends ProblemException {
        RangeNotSatisfiable(long size) {
            super(416, "Range Not Satisfiable", "The range lies outside the content (" + size + " bytes).");
            withHeader("Content-Range", "bytes */" + size);
        }
    }
}

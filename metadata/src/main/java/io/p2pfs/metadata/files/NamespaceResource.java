package io.p2pfs.metadata.files;

import io.p2pfs.metadata.core.Caller;
import io.p2pfs.client.api.NamespaceApi;
import io.p2pfs.common.paths.FsPath;
import io.p2pfs.metadata.users.UserDirectory;
import io.p2pfs.common.problem.BadRequest;
import io.p2pfs.common.problem.DenialGate;
import io.p2pfs.common.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/** Namespace endpoints that move no content: stat (one path or many), list, mkdir, versions, restore, move. */
@Path("/api/v1")
@RolesAllowed({"user", "admin"})
public class NamespaceResource {

    private final NamespaceService namespace;
    private final MoveService moves;
    private final UserDirectory users;
    private final SecurityIdentity identity;
    private final FastStat fast;
    private final DenialGate denials;

    public NamespaceResource(NamespaceService namespace, MoveService moves, UserDirectory users,
            SecurityIdentity identity, FastStat fast, DenialGate denials) {
        this.fast = fast;
        this.denials = denials;
        this.namespace = namespace;
        this.moves = moves;
        this.users = users;
        this.identity = identity;
    }

    @GET
    @Path("/stat{path: (/.*)?}")
    public Uni<NamespaceApi.Stat> stat(@PathParam("path") String path,
            @QueryParam("replicas") @DefaultValue("false") boolean replicas) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> replicas ? namespace.stat(parsed, caller, true)
                : fast.stat(parsed, caller).flatMap(answer -> answer.isPresent()
                        ? Uni.createFrom().item(answer.get()) : namespace.stat(parsed, caller, false)));
    }

    /**
     * The stats of many paths in one call: each path's result is what its own {@code GET /stat}
     * answers, its stat or its problem (a refusal among them is audited as that stat's would be);
     * the paths the cache resolves are read in one batch of statements, the rest one by one.
     */
    @POST
    @Path("/stats")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<NamespaceApi.Stats> stats(NamespaceApi.StatQuery query, @Context HttpServerRequest request,
            @Context RoutingContext routing) {
        if (query == null || query.paths() == null || query.paths().isEmpty()) {
            throw new BadRequest("The body names the paths to stat: {\"paths\": [\"/a\", ...]}.");
        }
        if (query.paths().size() > NamespaceApi.MAX_STATS) {
            throw new BadRequest("At most " + NamespaceApi.MAX_STATS + " paths are stat'ed in one call; this asked for "
                    + query.paths().size() + ".");
        }
        boolean replicas = Boolean.TRUE.equals(query.replicas());
        List<String> asked = query.paths();
        List<FsPath> parsed = new ArrayList<>(asked.size());
        List<NamespaceApi.StatResult> results = new ArrayList<>(asked.size());
        for (String raw : asked) {
            FsPath path = null;
            NamespaceApi.Problem problem = null;
            try {
                if (raw == null) {
                    throw new BadRequest("A path is required.");
                }
                if (!raw.startsWith("/")) {
                    throw new BadRequest("A path is absolute: it starts with '/' (" + raw + " does not).");
                }
                path = FsPath.parse(raw);
            } catch (ProblemException refused) {
                problem = new NamespaceApi.Problem(refused.status(), refused.title(), refused.detail());
            }
            parsed.add(path);
            results.add(new NamespaceApi.StatResult(raw, null, problem));
        }
        List<FsPath> valid = parsed.stream().filter(java.util.Objects::nonNull).toList();
        return users.caller(identity).flatMap(caller -> (replicas ? Uni.createFrom().item(
                java.util.Collections.<java.util.Optional<NamespaceApi.Stat>>nCopies(valid.size(),
                        java.util.Optional.empty())) : fast.statAll(valid, caller)).flatMap(answers -> {
            List<Integer> rest = new ArrayList<>();
            int v = 0;
            for (int i = 0; i < parsed.size(); i++) {
                if (parsed.get(i) == null) {
                    continue;
                }
                java.util.Optional<NamespaceApi.Stat> answer = answers.get(v++);
                if (answer.isPresent()) {
                    results.set(i, new NamespaceApi.StatResult(asked.get(i), answer.get(), null));
                } else {
                    rest.add(i);
                }
            }
            return Multi.createFrom().iterable(rest).onItem().transformToUniAndConcatenate(at -> namespace
                    .stat(parsed.get(at), caller, replicas)
                    .map(stat -> new NamespaceApi.StatResult(asked.get(at), stat, null))
                    .onFailure(ProblemException.class).recoverWithItem(failure -> {
                        ProblemException refused = (ProblemException) failure;
                        if (refused.isDenial()) {
                            denials.refused(refused, request, routing);
                        }
                        return new NamespaceApi.StatResult(asked.get(at), null, new NamespaceApi.Problem(
                                refused.status(), refused.title(), refused.detail()));
                    })
                    .invoke(result -> results.set(at, result))).collect().last()
                    .map(ignored -> new NamespaceApi.Stats(results));
        }));
    }

    @GET
    @Path("/list{path: (/.*)?}")
    public Uni<NamespaceApi.Listing> list(@PathParam("path") String path, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.list(parsed, cursor, limit, caller));
    }

    @POST
    @Path("/dirs{path: /.+}")
    public Uni<Response> mkdir(@PathParam("path") String path,
            @QueryParam("parents") @DefaultValue("false") boolean parents) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.mkdir(parsed, parents, caller))
                .map(created -> Response.status(created.created().isEmpty() ? 200 : 201).entity(created).build());
    }

    @GET
    @Path("/versions{path: /.+}")
    public Uni<List<NamespaceApi.VersionInfo>> versions(@PathParam("path") String path) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.versions(parsed, caller));
    }

    @POST
    @Path("/versions{path: /.+}/{n: [0-9]+}/restore")
    public Uni<Response> restore(@PathParam("path") String path, @PathParam("n") int version) {
        FsPath parsed = FsPath.parse(path);
        return users.caller(identity).flatMap(caller -> namespace.restore(parsed, version, caller))
                .map(info -> Response.status(201).entity(info).build());
    }

    /** Moves or renames a file or a directory (with everything below it): body {@code {from, to}}. */
    @POST
    @Path("/moves")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<NamespaceApi.Moved> move(NamespaceApi.Move request) {
        FsPath from = MoveService.path(request, true);
        FsPath to = MoveService.path(request, false);
        return users.caller(identity).flatMap(caller -> moves.move(from, to, caller));
    }
}

package io.p2pfs.peer.placement;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.p2pfs.common.chunks.ChunkEvents;
import io.p2pfs.common.chunks.ChunkId;
import io.p2pfs.common.chunks.ChunkTokens;
import io.p2pfs.common.events.CloudEvent;
import io.p2pfs.common.events.EventTypes;
import io.p2pfs.common.problem.InsufficientStorage;
import io.p2pfs.common.problem.PayloadTooLarge;
import io.p2pfs.common.problem.ProblemException;
import io.p2pfs.peer.PeerConfig;
import io.p2pfs.peer.chunks.ChunkStore;
import io.p2pfs.peer.chunks.ChunkTokenVerifier;
import io.p2pfs.peer.events.ConfirmationPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * What this node does with one record of {@code p2pfs.chunks.placements}.
 *
 * <ul>
 * <li>{@code chunk.placement-requested} for this node: check the write token as a PUT would,
 * pull the chunk from the source with the read token (bounded retries, exponential backoff),
 * store it, publish {@code chunk.stored}; after the last attempt publish
 * {@code chunk.placement-failed} with the reason.
 * <li>{@code chunk.delete-requested} for this node: check the delete token, delete, publish
 * {@code chunk.deleted}; a copy written (or sent again) after the request's
 * {@code notTouchedSince} is kept and confirmed {@code chunk.stored} instead.
 * </ul>
 * Idempotent: an event id seen recently is skipped, and a chunk already held is confirmed
 * without pulling it again. A record that cannot be understood (poison) is logged, counted and
 * skipped. Returns only when the outcome is durable and its confirmation acknowledged; throws
 * when the confirmation could not be published, so the caller retries the record.
 */
@ApplicationScoped
public class PlacementHandler {

    private static final int REMEMBERED_EVENTS = 10_000;

    private final ChunkStore store;
    private final ChunkTokenVerifier tokens;
    private final ChunkPuller puller;
    private final ConfirmationPublisher publisher;
    private final ObjectMapper json;
    private final PeerConfig.Placement settings;
    private final Backoff backoff;
    private final Counter poison;
    private final Counter pulls;
    private final Set<String> handled = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_EVENTS;
        }
    });

    public PlacementHandler(ChunkStore store, ChunkTokenVerifier tokens, ChunkPuller puller,
            ConfirmationPublisher publisher, ObjectMapper json, PeerConfig config, MeterRegistry metrics) {
        this.store = store;
        this.tokens = tokens;
        this.puller = puller;
        this.publisher = publisher;
        this.json = json;
        this.settings = config.placement();
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        this.poison = metrics.counter("p2pfs.peer.placement.poison.events");
        this.pulls = metrics.counter("p2pfs.peer.placement.pulls");
    }

    /** Records understood but not for this node are ignored; returns when the record is done. */
    public void handle(String value, String nodeId) {
        CloudEvent event;
        try {
            event = json.readValue(value, CloudEvent.class);
        } catch (IOException | RuntimeException e) {
            poison("not a CloudEvent", null);
            return;
        }
        if (event.id() != null && handledBefore(event.id())) {
            Log.debugf("placement event %s already handled", event.id());
            return;
        }
        try {
            if (EventTypes.CHUNK_PLACEMENT_REQUESTED.equals(event.type())) {
                var request = json.treeToValue(event.data(), ChunkEvents.PlacementRequested.class);
                if (request == null || !nodeId.equals(request.targetNodeId())) {
                    return;
                }
                if (!ChunkId.isValid(request.chunkId()) || request.sourceUrl() == null) {
                    poison("placement request without a valid chunk id or source", event.id());
                    return;
                }
                place(request, nodeId);
            } else if (EventTypes.CHUNK_DELETE_REQUESTED.equals(event.type())) {
                var request = json.treeToValue(event.data(), ChunkEvents.DeleteRequested.class);
                if (request == null || !nodeId.equals(request.targetNodeId())) {
                    return;
                }
                if (!ChunkId.isValid(request.chunkId())) {
                    poison("delete request without a valid chunk id", event.id());
                    return;
                }
                delete(request, nodeId);
            } else {
                return;
            }
        } catch (IOException | IllegalArgumentException e) {
            poison("data does not match its type " + event.type(), event.id());
            return;
        }
        remember(event.id());
    }

    private void place(ChunkEvents.PlacementRequested request, String nodeId) {
        ChunkId chunkId = new ChunkId(request.chunkId());
        try {
            tokens.verify(request.writeToken(), chunkId, ChunkTokens.Op.write, nodeId);
        } catch (ProblemException refused) {
            Log.warnf("placement of %s refused: %s", chunkId, refused.detail());
            failed(chunkId, nodeId, "write token refused: " + refused.detail(), 0);
            return;
        }
        if (store.contains(chunkId)) {
            store.touch(chunkId);
            stored(chunkId, nodeId);
            return;
        }
        String reason = null;
        int attempt = 0;
        while (attempt < settings.maxAttempts()) {
            attempt++;
            try {
                pulls.increment();
                puller.pull(chunkId, request.sourceUrl(), request.readToken());
                stored(chunkId, nodeId);
                return;
            } catch (InsufficientStorage | PayloadTooLarge noRoom) {
                reason = noRoom.detail();
                break;
            } catch (ProblemException | IOException e) {
                reason = e instanceof ProblemException problem ? problem.detail() : e.getMessage();
                Log.infof("pull of %s from %s failed (attempt %d of %d): %s", chunkId, request.sourceUrl(), attempt,
                        settings.maxAttempts(), reason);
                if (attempt < settings.maxAttempts()) {
                    LockSupport.parkNanos(backoff.after(attempt).toNanos());
                }
            }
        }
        failed(chunkId, nodeId, reason == null ? "unknown" : reason, attempt);
    }

    private void delete(ChunkEvents.DeleteRequested request, String nodeId) throws IOException {
        ChunkId chunkId = new ChunkId(request.chunkId());
        try {
            tokens.verify(request.deleteToken(), chunkId, ChunkTokens.Op.delete, nodeId);
        } catch (ProblemException refused) {
            Log.warnf("delete of %s refused: %s", chunkId, refused.detail());
            poison("delete token refused", null);
            return;
        }
        var writtenAt = store.writtenAt(chunkId);
        if (request.notTouchedSince() != null && writtenAt.isPresent()
                && writtenAt.get().isAfter(request.notTouchedSince())) {
            // Written again after the delete was decided: a newer write needs it.
            Log.infof("delete of %s skipped: written at %s, after %s", chunkId, writtenAt.get(),
                    request.notTouchedSince());
            stored(chunkId, nodeId);
            return;
        }
        store.delete(chunkId);
        publisher.publish(EventTypes.CHUNK_DELETED, chunkId.hex(), new ChunkEvents.Deleted(chunkId.hex(), nodeId));
    }

    private void stored(ChunkId chunkId, String nodeId) {
        long size = store.size(chunkId).orElse(0L);
        publisher.publish(EventTypes.CHUNK_STORED, chunkId.hex(), new ChunkEvents.Stored(chunkId.hex(), nodeId, size));
    }

    private void failed(ChunkId chunkId, String nodeId, String reason, int attempts) {
        publisher.publish(EventTypes.CHUNK_PLACEMENT_FAILED, chunkId.hex(),
                new ChunkEvents.PlacementFailed(chunkId.hex(), nodeId, reason, attempts));
    }

    private void poison(String why, String eventId) {
        poison.increment();
        Log.warnf("Skipping a poison placement record (%s), event id %s", why, eventId);
        remember(eventId);
    }

    private synchronized boolean handledBefore(String eventId) {
        return handled.contains(eventId);
    }

    private synchronized void remember(String eventId) {
        if (eventId != null) {
            handled.add(eventId);
        }
    }

    /** Poison records skipped so far. */
    public long poisonCount() {
        return (long) poison.count();
    }

    /** Pull attempts so far. */
    public long pullCount() {
        return (long) pulls.count();
    }
}

package io.p2pfs.peer.membership;

import io.p2pfs.peer.OutboundTls;
import io.p2pfs.peer.PeerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * Calls to the tracker. Both calls are idempotent (registering the same URL again returns the
 * same node id; a heartbeat overwrites the last one), so transient failures are retried; a 404 on
 * heartbeat is not a failure to retry but news: the tracker forgot this node.
 */
@ApplicationScoped
public class TrackerClient {

    private final TrackerApi api;
    private final NodeCredentials credentials;

    public TrackerClient(PeerConfig config, NodeCredentials credentials) {
        this.credentials = credentials;
        OutboundTls tls = new OutboundTls(config.tlsCa());
        RestClientBuilder builder = RestClientBuilder.newBuilder().baseUri(URI.create(config.trackerUrl()))
                .connectTimeout(5, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS);
        tls.trustStore().ifPresent(builder::trustStore);
        this.api = builder.build(TrackerApi.class);
    }

    @Retry(maxRetries = 3, delay = 500, jitter = 250, delayUnit = ChronoUnit.MILLIS)
    @Timeout(value = 20, unit = ChronoUnit.SECONDS)
    public TrackerApi.Registration register(TrackerApi.RegisterNode body) {
        try {
            return api.register(credentials.authorization(), body);
        } catch (WebApplicationException e) {
            refreshCredentialsOn401(e);
            throw e;
        }
    }

    @Retry(maxRetries = 2, delay = 300, jitter = 150, delayUnit = ChronoUnit.MILLIS, abortOn = NodeUnknown.class)
    @Timeout(value = 15, unit = ChronoUnit.SECONDS)
    public TrackerApi.HeartbeatAck heartbeat(String nodeId, TrackerApi.Heartbeat beat) {
        try {
            return api.heartbeat(credentials.authorization(), nodeId, beat);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                throw new NodeUnknown(nodeId);
            }
            refreshCredentialsOn401(e);
            throw e;
        }
    }

    private void refreshCredentialsOn401(WebApplicationException e) {
        if (e.getResponse().getStatus() == 401) {
            credentials.invalidate();
        }
    }
}

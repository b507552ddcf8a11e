package io.p2pfs.metadata;

import io.p2pfs.testing.P2pfsTestResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * The metadata service under test on real infrastructure (broker, fresh database, test token
 * key), on a port known before it starts, so that the peer agents the tests start can fetch its
 * chunk-token keys.
 */
public class MetadataTestResource extends P2pfsTestResource {

    static volatile String url;

    /** The base URL of the metadata service under test. */
    public static String url() {
        return url;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        int port = freePort();
        url = "http://127.0.0.1:" + port;
        config.put("quarkus.http.test-port", Integer.toString(port));
        config.put("p2pfs.tracker.url", io.p2pfs.testing.TestTracker.shared().url());
        return config;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

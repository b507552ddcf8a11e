package io.p2pfs.metadata;

import io.p2pfs.client.P2pfsClient;
import io.p2pfs.client.transfer.TransferSettings;
import io.p2pfs.testing.TestTokens;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client-library instances for the tests' users against the metadata service under test: the
 * direct data path, each user registered at the real tracker first. One per user per test JVM,
 * closed when the JVM exits.
 */
public final class DirectClients {

    private static final Map<String, P2pfsClient> CLIENTS = new ConcurrentHashMap<>();

    private DirectClients() {
    }

    /** A long-lived token for {@code login}, registered at the tracker. */
    public static String token(String login) {
        TestUsers.register(login);
        return TestTokens.user(login).claim("exp", Instant.now().plusSeconds(3 * 3600).getEpochSecond()).sign();
    }

    public static P2pfsClient of(String login) {
        return CLIENTS.computeIfAbsent(login, user -> {
            String token = token(user);
            P2pfsClient client = P2pfsClient.builder().metadata(MetadataTestResource.url)
                    .tracker(io.p2pfs.testing.TestTracker.shared().url()).token(() -> token)
                    .settings(TransferSettings.defaults().withSmallFileBytes(0)).build();
            Runtime.getRuntime().addShutdownHook(new Thread(client::close));
            return client;
        });
    }

    /** The chunk ids of a file's current version, in order, from the database (the ETag names the entry). */
    public static java.util.List<String> chunkIds(P2pfsClient client, String path) {
        String etag = client.stat(path).etag().replace("\"", "");
        String entry = etag.substring(0, etag.indexOf('.'));
        String version = etag.substring(etag.indexOf('.') + 1);
        return TestPeers.rows("SELECT chunk_id FROM version_chunks WHERE entry_id = " + entry + " AND version = "
                + version + " ORDER BY seq");
    }
}

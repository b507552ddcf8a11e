package io.p2pfs.metadata.core;

import io.p2pfs.common.paths.FsPath;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The Kafka key of a path's events: its SHA-256, so one file's events stay in order. */
public final class PathKeys {

    private PathKeys() {
    }

    public static String of(FsPath path) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(path.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.p2pfs.metadata.namespace;

import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.crypto.SealedBox;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Mac;

/**
 * Names at rest: sealed with the names key (associated data = parent entry id, so a sealed
 * name cannot be moved to another directory's row) and indexed by
 * {@code HMAC(name-index key, parentId || name)}.
 */
@ApplicationScoped
public class NameCodec {

    private final KeyRing keys;

    public NameCodec(KeyRing keys) {
        this.keys = keys;
    }

    /** The lookup key of a name under the active key. */
    public byte[] index(long parentId, String name) {
        return index(keys.nameIndex(), parentId, name);
    }

    /** The lookup keys of a name under every known key (a lookup during a rotation tries each). */
    public List<byte[]> indexes(long parentId, String name) {
        return keys.nameIndexes().stream().map(key -> index(key, parentId, name)).toList();
    }

    private static byte[] index(javax.crypto.spec.SecretKeySpec key, long parentId, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(SealedBox.longBytes(parentId));
            return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] seal(long parentId, String name) {
        return SealedBox.seal(keys.names(), name.getBytes(StandardCharsets.UTF_8), SealedBox.longBytes(parentId));
    }

    /** Opens a name sealed under key {@code keyId}. */
    public String open(long parentId, byte[] sealed, String keyId) {
        return new String(SealedBox.open(keys.names(keyId), sealed, SealedBox.longBytes(parentId)),
                StandardCharsets.UTF_8);
    }

    public String keyId() {
        return keys.keyId();
    }
}

package io.p2pfs.metadata.namespace;

import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.crypto.SealedBox;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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

    public byte[] index(long parentId, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keys.nameIndex());
            mac.update(SealedBox.longBytes(parentId));
            return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] seal(long parentId, String name) {
        return SealedBox.seal(keys.names(), name.getBytes(StandardCharsets.UTF_8), SealedBox.longBytes(parentId));
    }

    public String open(long parentId, byte[] sealed) {
        return new String(SealedBox.open(keys.names(), sealed, SealedBox.longBytes(parentId)), StandardCharsets.UTF_8);
    }

    public String keyId() {
        return keys.keyId();
    }
}

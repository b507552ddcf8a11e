package io.p2pfs.metadata.namespace;

import io.p2pfs.metadata.crypto.KeyRing;
import io.p2pfs.metadata.crypto.SealedBox;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A version's manifest: the ordered chunks of its content. Each entry holds the chunk id, the
 * plaintext hash {@code h}, the plaintext length and the chunk key {@code k}. Keeping {@code k}
 * (rather than deriving it from {@code h} at read time) means a master-key
 * rotation only re-seals manifests and never touches chunk data on peers.
 *
 * <p>Binary form before sealing: {@code version(1)=1, count(4)}, then per chunk
 * {@code id(32) h(32) k(32) length(4)}. Sealed with the manifests key, associated data =
 * entry id || version number.
 */
public record Manifest(List<ChunkRef> chunks) {

    public record ChunkRef(String chunkId, byte[] plainHash, byte[] key, int plainLength) {
    }

    private static final HexFormat HEX = HexFormat.of();

    public long size() {
        long size = 0;
        for (ChunkRef chunk : chunks) {
            size += chunk.plainLength();
        }
        return size;
    }

    public byte[] seal(KeyRing keys, long entryId, int version) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(5 + chunks.size() * 100);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(1);
            out.writeInt(chunks.size());
            for (ChunkRef chunk : chunks) {
                out.write(HEX.parseHex(chunk.chunkId()));
                out.write(chunk.plainHash());
                out.write(chunk.key());
                out.writeInt(chunk.plainLength());
            }
            return SealedBox.seal(keys.manifests(), bytes.toByteArray(), associated(entryId, version));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a manifest sealed under key {@code keyId}. */
    public static Manifest open(KeyRing keys, String keyId, byte[] sealed, long entryId, int version) {
        byte[] plain = SealedBox.open(keys.manifests(keyId), sealed, associated(entryId, version));
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(plain))) {
            if (in.readByte() != 1) {
                throw new IllegalStateException("unknown manifest format");
            }
            int count = in.readInt();
            List<ChunkRef> chunks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] id = in.readNBytes(32);
                byte[] h = in.readNBytes(32);
                byte[] k = in.readNBytes(32);
                chunks.add(new ChunkRef(HEX.formatHex(id), h, k, in.readInt()));
            }
            return new Manifest(List.copyOf(chunks));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt manifest", e);
        }
    }

    private static byte[] associated(long entryId, int version) {
        return ByteBuffer.allocate(12).putLong(entryId).putInt(version).array();
    }
}

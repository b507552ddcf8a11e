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
 * <p>A small file's content may instead be kept in the manifest itself ({@code inline}, no chunks):
 * it then lives, sealed, in the version's row, and is as durable as the database (its WAL and
 * replicas) instead of being replicated over peers.
 *
 * <p>Binary form before sealing: {@code version(1)=1, count(4)}, then per chunk
 * {@code id(32) h(32) k(32) length(4)}; inline: {@code version(1)=2, length(4), content}. Sealed
 * with the manifests key, associated data = entry id || version number.
 */
public record Manifest(List<ChunkRef> chunks, byte[] inline) {

    public Manifest(List<ChunkRef> chunks) {
        this(chunks, null);
    }

    /** The manifest of a file kept inline: its whole content. */
    public static Manifest inline(byte[] content) {
        return new Manifest(List.of(), content.clone());
    }

    public boolean isInline() {
        return inline != null;
    }

    public record ChunkRef(String chunkId, byte[] plainHash, byte[] key, int plainLength) {
    }

    private static final HexFormat HEX = HexFormat.of();

    public long size() {
        if (inline != null) {
            return inline.length;
        }
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
            if (inline != null) {
                out.writeByte(2);
                out.writeInt(inline.length);
                out.write(inline);
                return SealedBox.seal(keys.manifests(), bytes.toByteArray(), associated(entryId, version));
            }
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
            byte format = in.readByte();
            if (format == 2) {
                return new Manifest(List.of(), in.readNBytes(in.readInt()));
            }
            if (format != 1) {
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

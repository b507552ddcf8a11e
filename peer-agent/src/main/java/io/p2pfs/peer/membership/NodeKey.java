package io.p2pfs.peer.membership;

import io.p2pfs.common.chunks.StorageReceipts;
import io.p2pfs.common.keys.EcJwk;
import io.p2pfs.peer.PeerConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Map;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * This node's own EC P-256 key pair: made on first start and kept in the data folder as a JWK
 * ({@value #FILE}, mode 0600), so the node keeps its key across restarts. Its public half goes to
 * the tracker with every registration; the private half signs the storage receipt of every chunk
 * this node stores, and never leaves the file (nor reaches a log).
 */
@ApplicationScoped
public class NodeKey {

    static final String FILE = "node-key.jwk";

    private final ECPublicKey publicKey;
    private final ECPrivateKey privateKey;
    private final String keyId;

    @jakarta.inject.Inject
    public NodeKey(PeerConfig config) {
        this(config.dataDir());
    }

    /** The key pair kept in {@code dataDir}, made there if it holds none. */
    public NodeKey(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        KeyPair pair = Files.exists(file) ? load(file) : create(file);
        this.publicKey = (ECPublicKey) pair.getPublic();
        this.privateKey = (ECPrivateKey) pair.getPrivate();
        this.keyId = EcJwk.thumbprint(publicKey);
    }

    /** The public key as the tracker takes it. */
    public Map<String, Object> publicJwk() {
        return EcJwk.publicJwk(publicKey);
    }

    public String keyId() {
        return keyId;
    }

    /** A receipt stating that this node holds {@code chunkId} ({@code size} bytes) now. */
    public String receipt(String chunkId, String nodeId, long size) {
        return StorageReceipts.sign(new StorageReceipts.Receipt(chunkId, nodeId, size, Instant.now().getEpochSecond()),
                privateKey, keyId);
    }

    /** A proof for the tracker that this node holds its key ({@link io.p2pfs.common.chunks.NodeProofs}). */
    public String proof(String purpose, String subject) {
        return io.p2pfs.common.chunks.NodeProofs.sign(purpose, subject, Instant.now(), privateKey, keyId);
    }

    /** The proof that this node says the chunk event ({@link io.p2pfs.common.chunks.ChunkEventProofs}). */
    public String chunkEventProof(String type, String chunkId, String nodeId) {
        return io.p2pfs.common.chunks.ChunkEventProofs.sign(type, chunkId, nodeId, Instant.now(), privateKey, keyId);
    }

    /** One page of this node's inventory, signed so that only this node can say what it holds. */
    public String inventoryReport(io.p2pfs.common.chunks.InventoryReports.Report report) {
        return io.p2pfs.common.chunks.InventoryReports.sign(report, privateKey, keyId);
    }

    private static KeyPair load(Path file) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(file, StandardCharsets.UTF_8));
            if (!(jwk instanceof EllipticCurveJsonWebKey ec) || ec.getPrivateKey() == null
                    || !"P-256".equals(ec.getCurveName())) {
                throw new IllegalStateException(file + " does not hold a P-256 key pair");
            }
            return new KeyPair(ec.getPublicKey(), ec.getPrivateKey());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node key " + file, e);
        } catch (JoseException e) {
            throw new IllegalStateException(file + " is not a readable JWK", e);
        }
    }

    /** Writes a new key pair through a 0600 temporary file and an atomic rename. */
    private static KeyPair create(Path file) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey((ECPublicKey) pair.getPublic());
            jwk.setPrivateKey(pair.getPrivate());
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            Log.infof("Made this node's key pair %s in %s", EcJwk.thumbprint((ECPublicKey) pair.getPublic()), file);
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the node key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.p2pfs.common.keys;

import io.p2pfs.common.problem.BadRequest;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.util.Map;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Public keys of storage nodes as JSON Web Keys (RFC 7517): EC on P-256 only, public part only.
 * A node sends its key with its registration, the tracker checks and stores it and announces it
 * in {@code node.registered}, and the metadata service verifies storage receipts with it. The key
 * id is the RFC 7638 thumbprint, so the same key always has the same id.
 */
public final class EcJwk {

    private static final BigInteger P = EllipticCurves.P256.getCurve().getField() instanceof java.security.spec.ECFieldFp fp
            ? fp.getP() : null;
    private static final BigInteger A = EllipticCurves.P256.getCurve().getA();
    private static final BigInteger B = EllipticCurves.P256.getCurve().getB();

    private EcJwk() {
    }

    /** The public JWK of {@code key} ({@code kty, crv, x, y, kid}), as JSON members. */
    public static Map<String, Object> publicJwk(ECPublicKey key) {
        EllipticCurveJsonWebKey jwk = new EllipticCurveJsonWebKey(key);
        jwk.setKeyId(thumbprint(jwk));
        return jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** The RFC 7638 SHA-256 thumbprint of the key, base64url. */
    public static String thumbprint(ECPublicKey key) {
        return thumbprint(new EllipticCurveJsonWebKey(key));
    }

    private static String thumbprint(EllipticCurveJsonWebKey jwk) {
        return jwk.calculateBase64urlEncodedThumbprint("SHA-256");
    }

    /**
     * Parses a node's public key, refusing (400) anything but a public EC P-256 key whose point
     * lies on the curve: a private part, another curve or type, a point off the curve.
     */
    public static ECPublicKey parse(Map<String, Object> members) {
        if (members == null || members.isEmpty()) {
            throw new BadRequest("publicKey must be the node's public key as a JWK (EC, P-256).");
        }
        if (members.containsKey("d")) {
            throw new BadRequest("publicKey holds a private key part ('d'); send the public key only.");
        }
        PublicJsonWebKey jwk;
        try {
            jwk = PublicJsonWebKey.Factory.newPublicJwk(members);
        } catch (JoseException | RuntimeException e) {
            throw new BadRequest("publicKey is not a valid JWK.");
        }
        if (!(jwk instanceof EllipticCurveJsonWebKey ec) || !EllipticCurves.P_256.equals(ec.getCurveName())) {
            throw new BadRequest("publicKey must be an EC key on curve P-256.");
        }
        ECPublicKey key = ec.getECPublicKey();
        if (!onCurve(key.getW())) {
            throw new BadRequest("publicKey's point is not on curve P-256.");
        }
        return key;
    }

    /** Parses a key this system stored itself (JSON text of a JWK); {@code IllegalArgumentException} if invalid. */
    public static ECPublicKey parseStored(String json) {
        try {
            return parse(org.jose4j.json.JsonUtil.parseJson(json));
        } catch (JoseException | BadRequest e) {
            throw new IllegalArgumentException("stored node key is not a valid P-256 JWK", e);
        }
    }

    /** JSON text of a public JWK, in the canonical member order jose4j writes. */
    public static String toJson(ECPublicKey key) {
        return org.jose4j.json.JsonUtil.toJson(publicJwk(key));
    }

    static boolean onCurve(ECPoint point) {
        if (point == null || point.equals(ECPoint.POINT_INFINITY)) {
            return false;
        }
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return false;
        }
        BigInteger left = y.modPow(BigInteger.TWO, P);
        BigInteger right = x.modPow(BigInteger.valueOf(3), P).add(A.multiply(x)).add(B).mod(P);
        return left.equals(right);
    }
}

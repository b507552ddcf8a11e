package io.p2pfs.common.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.p2pfs.common.problem.BadRequest;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EcJwkTests {

    static ECPublicKey key(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return (ECPublicKey) generator.generateKeyPair().getPublic();
    }

    @Test
    void aPublicKeyRoundTripsThroughItsJwkWithItsThumbprintAsId() throws Exception {
        ECPublicKey key = key("secp256r1");
        Map<String, Object> jwk = EcJwk.publicJwk(key);
        assertEquals("EC", jwk.get("kty"));
        assertEquals("P-256", jwk.get("crv"));
        assertEquals(EcJwk.thumbprint(key), jwk.get("kid"));
        assertFalse(jwk.containsKey("d"));
        assertEquals(key.getW(), EcJwk.parse(jwk).getW());
        assertEquals(key.getW(), EcJwk.parseStored(EcJwk.toJson(key)).getW());
    }

    @Test
    void privatePartsOtherCurvesAndPointsOffTheCurveAreRefused() throws Exception {
        Map<String, Object> withPrivate = new HashMap<>(EcJwk.publicJwk(key("secp256r1")));
        withPrivate.put("d", "AAAA");
        assertThrows(BadRequest.class, () -> EcJwk.parse(withPrivate));
        assertThrows(BadRequest.class, () -> EcJwk.parse(EcJwk.publicJwk(key("secp384r1"))));
        Map<String, Object> offCurve = new HashMap<>(EcJwk.publicJwk(key("secp256r1")));
        byte[] y = Base64.getUrlDecoder().decode((String) offCurve.get("y"));
        y[31] ^= 1;
        offCurve.put("y", Base64.getUrlEncoder().withoutPadding().encodeToString(y));
        assertThrows(BadRequest.class, () -> EcJwk.parse(offCurve));
        assertThrows(BadRequest.class, () -> EcJwk.parse(Map.of("kty", "oct", "k", "AAAA")));
        assertThrows(BadRequest.class, () -> EcJwk.parse(Map.of()));
        assertThrows(BadRequest.class, () -> EcJwk.parse(null));
    }

    @Test
    void theCurveCheckAcceptsTheGeneratorAndRefusesItsNeighbour() {
        var g = org.jose4j.keys.EllipticCurves.P256.getGenerator();
        assertEquals(true, EcJwk.onCurve(g));
        assertFalse(EcJwk.onCurve(new java.security.spec.ECPoint(g.getAffineX(), g.getAffineY().add(BigInteger.ONE))));
    }
}

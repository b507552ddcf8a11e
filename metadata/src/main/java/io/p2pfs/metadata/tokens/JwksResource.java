package io.p2pfs.metadata.tokens;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** {@code /.well-known/jwks.json}: the public keys of chunk tokens (no authentication). */
@Path("/.well-known/jwks.json")
@PermitAll
public class JwksResource {

    private final ChunkTokenSigner signer;

    public JwksResource(ChunkTokenSigner signer) {
        this.signer = signer;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> jwks() {
        return signer.jwks();
    }
}

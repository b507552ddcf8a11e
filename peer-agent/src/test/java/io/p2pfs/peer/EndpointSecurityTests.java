package io.p2pfs.peer;

import io.p2pfs.testing.EndpointSecurity;
import org.junit.jupiter.api.Test;

/** Every REST endpoint of this service says who may call it, and one that would not is denied. */
class EndpointSecurityTests {

    @Test
    void everyEndpointDeclaresWhoMayCallItAndTheRestAreDenied() {
        EndpointSecurity.requireEveryEndpointDeclared("io.p2pfs.peer");
    }
}

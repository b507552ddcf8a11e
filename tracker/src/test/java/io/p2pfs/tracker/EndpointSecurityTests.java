package io.p2pfs.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.p2pfs.testing.EndpointSecurity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every REST endpoint of this service says who may call it, and one that would not is denied. */
class EndpointSecurityTests {

    @Test
    void everyEndpointDeclaresWhoMayCallItAndTheRestAreDenied() {
        EndpointSecurity.Scan scan = EndpointSecurity.scan("io.p2pfs.tracker");
        assertTrue(scan.endpoints().size() > 0, "no endpoints found to check");
        assertEquals(List.of(), scan.undeclared(), "endpoints without a security annotation");
        assertTrue(EndpointSecurity.deniesUnannotated(),
                "quarkus.security.jaxrs.deny-unannotated-endpoints=true in application.properties");
    }
}

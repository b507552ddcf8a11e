package io.p2pfs.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class RealmImportsTests {

    /** Regenerate instead of comparing: -Dp2pfs.k8s.write-realm=true */
    private static final boolean WRITE = Boolean.getBoolean("p2pfs.k8s.write-realm");

    @Test
    void theClustersRealmIsGeneratedFromTheLocalStacksRealm() throws Exception {
        if (WRITE) {
            RealmImports.write(Repo.ROOT);
        }
        RealmImports.Generated generated = RealmImports.generate(Repo.ROOT);
        String regenerate = " differs from the local realm; regenerate with ./mvnw -pl deploy/k8s-check -am test"
                + " -Dtest=RealmImportsTests -Dsurefire.failIfNoSpecifiedTests=false -Dp2pfs.k8s.write-realm=true";
        assertEquals(generated.baseImport(), Files.readString(Repo.ROOT.resolve(RealmImports.BASE_IMPORT), StandardCharsets.UTF_8),
                RealmImports.BASE_IMPORT + regenerate);
        assertEquals(generated.devUsers(), Files.readString(Repo.ROOT.resolve(RealmImports.DEV_USERS), StandardCharsets.UTF_8),
                RealmImports.DEV_USERS + regenerate);
    }

    @Test
    void theBaseRealmHasNoPeopleAndNoSecretFromTheLocalFile() throws Exception {
        JsonNode local = new ObjectMapper().readTree(Repo.ROOT.resolve(RealmImports.LOCAL_REALM).toFile());
        JsonNode base = RealmImports.baseImport(local);
        int confidential = 0;
        for (JsonNode client : local.path("clients")) {
            if (client.has("secret")) {
                confidential++;
                String localSecret = client.path("secret").asText();
                String clientId = client.path("clientId").asText();
                assertFalse(base.toString().contains(localSecret), "the local secret of " + clientId
                        + " reached the cluster's realm");
                assertEquals(clientId + "-client", base.at("/spec/placeholders/" + RealmImports.secretPlaceholder(clientId)
                        + "/secret/name").asText(), clientId + "'s secret comes from its Secret");
            }
        }
        assertEquals(2, confidential, "the peers' and the monitoring account's clients are confidential");
        for (JsonNode user : base.at("/spec/realm/users")) {
            assertTrue(user.has("serviceAccountClientId"), "a person in the base realm: " + user.path("username"));
        }
        assertEquals("all", base.at("/spec/realm/sslRequired").asText());
        assertEquals(RealmImports.NODE_SECRET, base.at("/spec/placeholders/" + RealmImports.NODE_SECRET_PLACEHOLDER + "/secret/name").asText());
        // everything else is the local realm's
        assertEquals(local.path("roles"), base.at("/spec/realm/roles"));
        assertEquals(local.path("groups"), base.at("/spec/realm/groups"));
        assertEquals(local.path("clients").size(), base.at("/spec/realm/clients").size());
    }

    @Test
    void theDevPatchBringsBackEveryLocalUser() throws Exception {
        JsonNode local = new ObjectMapper().readTree(Repo.ROOT.resolve(RealmImports.LOCAL_REALM).toFile());
        assertEquals(local.path("users"), RealmImports.devUsers(local).at("/spec/realm/users"));
    }
}

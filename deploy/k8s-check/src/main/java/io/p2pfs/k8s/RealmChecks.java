package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The realm inside a KeycloakRealmImport, read as Keycloak reads a realm file: a property Keycloak
 * does not know fails (the CRD's own schema for the realm is lax in places Keycloak is not).
 */
public final class RealmChecks {

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RealmChecks() {
    }

    public static List<String> check(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (Manifest realmImport : rendered.ofKind("KeycloakRealmImport")) {
            try {
                RealmRepresentation realm = STRICT.treeToValue(realmImport.spec().path("realm"), RealmRepresentation.class);
                if (realm.getRealm() == null || realm.getRealm().isBlank()) {
                    problems.add(realmImport.id() + ": the realm has no name");
                }
            } catch (Exception e) {
                problems.add(realmImport.id() + ": Keycloak would not read the realm: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return problems;
    }
}

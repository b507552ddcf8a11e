package io.p2pfs.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverlaysTests {

    static final ManifestChecks CHECKS = new ManifestChecks(Repo.ROOT);

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectOfTheOverlayValidatesStrictly(String overlay) {
        Rendered rendered = CHECKS.render(overlay);
        assertFalse(rendered.objects().isEmpty());
        assertEquals(List.of(), CHECKS.schemas(rendered));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theOverlayPassesEverySemanticCheck(String overlay) {
        assertEquals(List.of(), CHECKS.semantics(CHECKS.render(overlay)));
    }
}

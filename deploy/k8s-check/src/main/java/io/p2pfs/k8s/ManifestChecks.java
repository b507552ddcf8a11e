package io.p2pfs.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every check of one rendered overlay; an empty list means it passes. */
public final class ManifestChecks {

    private final Path repoRoot;
    private final CrdSchemas crds;

    public ManifestChecks(Path repoRoot) {
        this.repoRoot = repoRoot;
        this.crds = CrdSchemas.load(repoRoot.resolve("deploy/k8s-check/crds"));
    }

    public Path k8sRoot() {
        return repoRoot.resolve("deploy/k8s");
    }

    public Rendered render(String overlay) {
        return Rendered.of(k8sRoot().resolve("overlays").resolve(overlay));
    }

    /** Strict schemas: core kinds with the API models, custom resources with their CRDs. */
    public List<String> schemas(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : rendered.objects()) {
            if (crds.covers(m)) {
                problems.addAll(crds.validate(m));
            } else if (CoreSchemas.isCore(m)) {
                problems.addAll(CoreSchemas.validate(m));
            } else {
                problems.add(m.id() + ": " + m.apiVersion() + " is neither a Kubernetes API nor a CRD checked here");
            }
        }
        problems.addAll(RealmChecks.check(rendered));
        return problems;
    }

    public List<String> semantics(Rendered rendered) {
        Inventory inventory = Inventory.of(rendered);
        List<String> problems = new ArrayList<>();
        problems.addAll(ReferenceChecks.check(rendered, inventory));
        problems.addAll(SelectorAndPortChecks.check(rendered, inventory));
        problems.addAll(SettingsChecks.check(rendered, inventory, repoRoot));
        problems.addAll(KafkaChecks.check(rendered, inventory));
        problems.addAll(ImageChecks.check(rendered, k8sRoot()));
        problems.addAll(DockerfileChecks.check(rendered, repoRoot));
        problems.addAll(PeerChecks.check(rendered, inventory));
        problems.addAll(HardeningChecks.check(rendered, inventory));
        problems.addAll(OverlayChecks.check(rendered));
        return problems;
    }

    public List<String> all(Rendered rendered) {
        List<String> problems = new ArrayList<>(schemas(rendered));
        problems.addAll(semantics(rendered));
        return problems;
    }
}

package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How p2pfs's own pods run: non-root, no privilege escalation, no capabilities, a read-only root
 * file system, no API token mounted, requests and a memory limit, the three Quarkus health probes
 * over HTTPS, and no secret written into a manifest (in env values or as a Secret outside the dev
 * overlay's examples). Certificates that cert-manager renews are reloaded by what serves them.
 * Every workload of p2pfs has a PodDisruptionBudget and a NetworkPolicy; an
 * autoscaled one leaves its replica count to the autoscaler.
 */
public final class HardeningChecks {

    /** Environment variables whose value is a secret (a path to one, *_FILES or *_LOCATION, is not). */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|MASTER_KEY|JAAS|TOKEN|PRIVATE_KEY).*");
    private static final Map<String, String> PROBES = Map.of("startupProbe", "/q/health/started",
            "livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready");

    /** Secrets the dev overlay may carry as examples, with placeholder values. */
    public static final String EXAMPLE_ANNOTATION = "p2pfs.io/example";

    private HardeningChecks() {
    }

    public static List<String> check(Rendered rendered, Inventory inventory) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : rendered.p2pfsContainers().stream().map(Rendered.Container::workload).distinct().toList()) {
            JsonNode pod = m.podTemplate().path("spec");
            if (pod.path("automountServiceAccountToken").asBoolean(true)) {
                problems.add(m.id() + ": mounts an API token it does not need");
            }
            if (!pod.at("/securityContext/runAsNonRoot").asBoolean() || !"RuntimeDefault".equals(pod.at("/securityContext/seccompProfile/type").asText())) {
                problems.add(m.id() + ": pod is not runAsNonRoot with the RuntimeDefault seccomp profile");
            }
            for (JsonNode container : m.containers()) {
                String where = m.id() + " container " + container.path("name").asText();
                JsonNode security = container.path("securityContext");
                if (security.path("allowPrivilegeEscalation").asBoolean(true) || !security.path("readOnlyRootFilesystem").asBoolean()
                        || !security.path("runAsNonRoot").asBoolean() || !security.at("/capabilities/drop").toString().contains("ALL")) {
                    problems.add(where + ": securityContext must forbid escalation, drop ALL, run as non-root on a read-only root");
                }
                JsonNode resources = container.path("resources");
                if (!resources.at("/requests/cpu").isTextual() && !resources.at("/requests/cpu").isNumber()
                        || resources.at("/requests/memory").isMissingNode() || resources.at("/limits/memory").isMissingNode()) {
                    problems.add(where + ": needs cpu and memory requests and a memory limit");
                } else if (Quantities.value(resources.at("/limits/memory").asText())
                        .compareTo(Quantities.value(resources.at("/requests/memory").asText())) < 0) {
                    problems.add(where + ": memory limit below its request");
                }
                PROBES.forEach((probe, path) -> {
                    JsonNode get = container.path(probe).path("httpGet");
                    if (!path.equals(get.path("path").asText()) || !"HTTPS".equals(get.path("scheme").asText())) {
                        problems.add(where + ": " + probe + " must GET " + path + " over HTTPS");
                    }
                });
                boolean servesCertificate = false;
                boolean reloads = false;
                for (JsonNode env : inventory.env(container).values()) {
                    String name = env.path("name").asText();
                    servesCertificate |= name.equals("QUARKUS_HTTP_SSL_CERTIFICATE_FILES");
                    reloads |= name.equals("QUARKUS_HTTP_SSL_CERTIFICATE_RELOAD_PERIOD");
                    if (SECRET_NAME.matcher(name).matches() && env.has("value") && !env.path("value").asText().isEmpty()) {
                        problems.add(where + ": " + name + " is written into the manifest; take it from a Secret");
                    }
                }
                if (servesCertificate && !reloads) {
                    problems.add(where + ": serves a certificate cert-manager renews but never reloads it"
                            + " (QUARKUS_HTTP_SSL_CERTIFICATE_RELOAD_PERIOD)");
                }
            }
            Map<String, String> labels = Manifest.strings(m.podTemplate().path("metadata").path("labels"));
            if (rendered.ofKind("PodDisruptionBudget").stream().noneMatch(p -> Selectors.matches(p.spec().path("selector"), labels))) {
                problems.add(m.id() + ": no PodDisruptionBudget covers its pods");
            }
            boolean governed = rendered.ofKind("NetworkPolicy").stream().anyMatch(p -> !Selectors.isEmpty(p.spec().path("podSelector"))
                    && Selectors.matches(p.spec().path("podSelector"), labels) && p.spec().path("policyTypes").toString().contains("Egress"));
            if (!governed) {
                problems.add(m.id() + ": no NetworkPolicy says where its pods may connect");
            }
        }
        for (Manifest hpa : rendered.ofKind("HorizontalPodAutoscaler")) {
            JsonNode target = hpa.spec().path("scaleTargetRef");
            rendered.find(target.path("kind").asText(), target.path("name").asText()).ifPresent(scaled -> {
                if (scaled.spec().has("replicas")) {
                    problems.add(scaled.id() + ": sets replicas although " + hpa.id() + " scales it (each apply would reset the count)");
                }
            });
        }
        for (Manifest cluster : rendered.ofKind("Cluster")) {
            String serverSecret = cluster.at("/spec/certificates/serverTLSSecret").asText("");
            rendered.ofKind("Certificate").stream().filter(c -> c.spec().path("secretName").asText().equals(serverSecret))
                    .filter(c -> !c.at("/spec/secretTemplate/labels").has("cnpg.io/reload"))
                    .forEach(c -> problems.add(c.id() + ": " + cluster.id() + " serves it, but without the cnpg.io/reload"
                            + " label its renewals never reach PostgreSQL"));
        }
        boolean defaultDeny = rendered.ofKind("NetworkPolicy").stream().anyMatch(p -> Selectors.isEmpty(p.spec().path("podSelector"))
                && p.spec().path("policyTypes").toString().contains("Ingress") && p.spec().path("ingress").isEmpty());
        if (!defaultDeny) {
            problems.add("no default-deny NetworkPolicy (empty podSelector, no ingress rules)");
        }
        for (Manifest secret : rendered.ofKind("Secret")) {
            if (!"true".equals(secret.annotations().get(EXAMPLE_ANNOTATION))) {
                problems.add(secret.id() + ": a Secret written into the manifests; Secrets are referenced, never inline");
            }
        }
        return problems;
    }
}

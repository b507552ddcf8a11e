package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The peers are reachable as they advertise themselves: every pod of every peer StatefulSet has
 * its own Service whose published name is {@code <pod>.<peers-domain>}, the certificate the peers
 * serve covers that name, each StatefulSet's zone is the zone its pods are pinned to (when
 * pinned) and no two StatefulSets claim one zone, and a peer declares no more capacity than its
 * volume holds.
 */
public final class PeerChecks {

    public static final String SITE = "p2pfs-site";
    public static final String PEERS_DOMAIN = "peers-domain";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private PeerChecks() {
    }

    /** The peer containers of the StatefulSets, one per StatefulSet. */
    static List<Rendered.Container> peers(Rendered rendered) {
        return rendered.p2pfsContainers().stream()
                .filter(c -> c.module().equals("peer-agent") && c.workload().kind().equals("StatefulSet")).toList();
    }

    public static List<Manifest> peerSets(Rendered rendered) {
        return peers(rendered).stream().map(Rendered.Container::workload).toList();
    }

    public static List<String> check(Rendered rendered, Inventory inventory) {
        List<String> problems = new ArrayList<>();
        Optional<String> domain = inventory.configValue(SITE, PEERS_DOMAIN);
        if (domain.isEmpty()) {
            problems.add("ConfigMap " + SITE + " has no " + PEERS_DOMAIN);
            return problems;
        }
        Set<String> zones = new HashSet<>();
        for (Rendered.Container peer : peers(rendered)) {
            Manifest set = peer.workload();
            String zone = inventory.envValue(peer.node(), "P2PFS_PEER_ZONE").orElse("");
            if (zone.isEmpty()) {
                problems.add(set.id() + ": no P2PFS_PEER_ZONE");
            } else if (!zones.add(zone)) {
                problems.add(set.id() + ": zone " + zone + " is claimed by another peer StatefulSet");
            }
            pinnedZone(set).ifPresent(pinned -> {
                if (!pinned.equals(zone)) {
                    problems.add(set.id() + ": declares zone " + zone + " but runs in " + ZONE_LABEL + "=" + pinned);
                }
            });
            String url = inventory.envValue(peer.node(), "P2PFS_PEER_PUBLIC_URL").orElse("");
            if (!url.equals("https://$(POD_NAME).$(P2PFS_PEERS_DOMAIN)")) {
                problems.add(set.id() + ": P2PFS_PEER_PUBLIC_URL is " + url + ", not https://$(POD_NAME).$(P2PFS_PEERS_DOMAIN)");
            }
            String tlsSecret = "";
            for (JsonNode volume : set.podTemplate().path("spec").path("volumes")) {
                if (volume.path("name").asText().equals("tls")) {
                    tlsSecret = volume.path("secret").path("secretName").asText();
                }
            }
            String secret = tlsSecret;
            List<String> certNames = rendered.ofKind("Certificate").stream()
                    .filter(c -> c.spec().path("secretName").asText().equals(secret))
                    .flatMap(c -> { List<String> n = new ArrayList<>(); c.spec().path("dnsNames").forEach(d -> n.add(d.asText())); return n.stream(); })
                    .toList();
            int replicas = set.spec().path("replicas").asInt(1);
            for (int ordinal = 0; ordinal < replicas; ordinal++) {
                String pod = set.name() + "-" + ordinal;
                String host = pod + "." + domain.get();
                Optional<Manifest> service = rendered.find("Service", pod);
                if (service.isEmpty()) {
                    problems.add(set.id() + ": pod " + pod + " has no Service of its own to be reached at " + host);
                } else {
                    if (!pod.equals(service.get().spec().path("selector").path("statefulset.kubernetes.io/pod-name").asText())) {
                        problems.add(service.get().id() + ": does not select pod " + pod + " alone");
                    }
                    String published = service.get().annotations().getOrDefault("external-dns.alpha.kubernetes.io/hostname", "");
                    if (!published.equals(host)) {
                        problems.add(service.get().id() + ": publishes " + published + ", but the pod advertises " + host);
                    }
                }
                if (certNames.stream().noneMatch(name -> covers(name, host))) {
                    problems.add(set.id() + ": the certificate in " + secret + " " + certNames + " does not cover " + host);
                }
            }
            long capacity = inventory.envValue(peer.node(), "P2PFS_PEER_CAPACITY_BYTES").map(Long::parseLong).orElse(-1L);
            long volume = 0;
            for (JsonNode claim : set.spec().path("volumeClaimTemplates")) {
                volume += Quantities.bytes(claim.at("/spec/resources/requests/storage").asText("0"));
            }
            if (capacity <= 0 || capacity > volume) {
                problems.add(set.id() + ": P2PFS_PEER_CAPACITY_BYTES " + capacity + " does not fit its volume of " + volume + " bytes");
            }
        }
        return problems;
    }

    /** The zone a pod template is required to run in, if its node affinity pins one. */
    public static Optional<String> pinnedZone(Manifest set) {
        JsonNode terms = set.podTemplate().at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
        for (JsonNode term : terms) {
            for (JsonNode expression : term.path("matchExpressions")) {
                if (expression.path("key").asText().equals(ZONE_LABEL) && expression.path("operator").asText().equals("In")
                        && expression.path("values").size() == 1) {
                    return Optional.of(expression.path("values").get(0).asText());
                }
            }
        }
        String selector = set.podTemplate().at("/spec/nodeSelector").path(ZONE_LABEL).asText("");
        return selector.isEmpty() ? Optional.empty() : Optional.of(selector);
    }

    static boolean covers(String certificateName, String host) {
        if (certificateName.startsWith("*.")) {
            String suffix = certificateName.substring(1);
            return host.endsWith(suffix) && host.indexOf('.') == host.length() - suffix.length();
        }
        return certificateName.equals(host);
    }
}

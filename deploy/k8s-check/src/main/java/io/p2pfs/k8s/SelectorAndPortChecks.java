package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Selectors select what they are meant to, and ports line up: a workload's selector matches its
 * own pod template; a Service, PodDisruptionBudget, NetworkPolicy or ServiceMonitor selects at
 * least one thing that exists (PodMonitors too); probe ports, Service target ports, Ingress backend ports and
 * ServiceMonitor ports exist where they point; a URL or address in a container's environment
 * names a Service and one of its ports.
 */
public final class SelectorAndPortChecks {

    /** scheme://host[:port] or host:port, with an in-cluster host (no dots, or a .svc name). */
    private static final Pattern ADDRESS = Pattern.compile(
            "^(?:(?:jdbc:)?(https?|postgresql)://)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:\\.[a-z0-9-]+\\.svc(?:\\.cluster\\.local)?)?(?::(\\d+))?(?:[/?].*)?$");

    private SelectorAndPortChecks() {
    }

    public static List<String> check(Rendered rendered, Inventory inventory) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : rendered.objects()) {
            if (m.isWorkload()) {
                workload(m, inventory, problems);
            }
            switch (m.kind()) {
                case "Service" -> service(m, inventory, problems);
                case "PodDisruptionBudget", "PodMonitor" -> selects(m, m.spec().path("selector"), inventory, problems);
                case "NetworkPolicy" -> networkPolicy(m, inventory, problems);
                case "ServiceMonitor" -> serviceMonitor(rendered, m, problems);
                default -> {
                }
            }
        }
        return problems;
    }

    private static void workload(Manifest m, Inventory inventory, List<String> problems) {
        Map<String, String> labels = Manifest.strings(m.podTemplate().path("metadata").path("labels"));
        JsonNode selector = m.spec().path("selector");
        if (!m.kind().equals("Job") && !m.kind().equals("CronJob") && !Selectors.matches(selector, labels)) {
            problems.add(m.id() + ": selector " + selector + " does not match its pod template's labels " + labels);
        }
        for (JsonNode container : m.containers()) {
            String where = m.id() + " container " + container.path("name").asText();
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode action = container.path(probe);
                for (String handler : List.of("httpGet", "tcpSocket", "grpc")) {
                    JsonNode port = action.path(handler).path("port");
                    if (!port.isMissingNode() && !hasPort(container, port.asText())) {
                        problems.add(where + ": " + probe + " uses port " + port.asText() + " the container does not expose");
                    }
                }
            }
            for (JsonNode env : inventory.env(container).values()) {
                if (env.has("value")) {
                    address(where + " env " + env.path("name").asText(), env.path("value").asText(), inventory, problems);
                }
            }
        }
    }

    /** A container port by name or number. */
    static boolean hasPort(JsonNode container, String port) {
        for (JsonNode declared : container.path("ports")) {
            if (declared.path("name").asText().equals(port) || declared.path("containerPort").asText().equals(port)) {
                return true;
            }
        }
        return false;
    }

    private static void service(Manifest m, Inventory inventory, List<String> problems) {
        JsonNode selector = m.spec().path("selector");
        if (selector.isMissingNode() || selector.isEmpty()) {
            return; // a Service without a selector has Endpoints managed elsewhere
        }
        var pods = inventory.podsSelectedBy(selector);
        if (pods.isEmpty()) {
            problems.add(m.id() + ": selector " + selector + " matches no pod");
            return;
        }
        for (JsonNode port : m.spec().path("ports")) {
            String target = port.path("targetPort").asText(port.path("port").asText());
            for (Inventory.PodLabels pod : pods) {
                if (pod.podSpec() == null) {
                    continue; // an operator's pods: their ports are the operator's
                }
                boolean found = false;
                for (JsonNode container : pod.podSpec().path("containers")) {
                    found |= hasPort(container, target);
                }
                if (!found) {
                    problems.add(m.id() + ": targetPort " + target + " is not a port of " + pod.origin() + "'s containers");
                }
            }
        }
    }

    private static void selects(Manifest m, JsonNode selector, Inventory inventory, List<String> problems) {
        if (Selectors.isEmpty(selector)) {
            return;
        }
        if (inventory.podsSelectedBy(selector).isEmpty()) {
            problems.add(m.id() + ": selector " + selector + " matches no pod");
        }
    }

    private static void networkPolicy(Manifest m, Inventory inventory, List<String> problems) {
        selects(m, m.spec().path("podSelector"), inventory, problems);
        for (String direction : List.of("ingress", "egress")) {
            for (JsonNode rule : m.spec().path(direction)) {
                for (JsonNode peer : rule.path(direction.equals("ingress") ? "from" : "to")) {
                    // a podSelector alone means pods of this namespace: they must exist
                    if (peer.has("podSelector") && !peer.has("namespaceSelector")) {
                        selects(m, peer.path("podSelector"), inventory, problems);
                    }
                }
            }
        }
    }

    private static void serviceMonitor(Rendered rendered, Manifest m, List<String> problems) {
        List<Manifest> services = rendered.ofKind("Service").stream()
                .filter(s -> Selectors.matches(m.spec().path("selector"), s.labels())).toList();
        if (services.isEmpty()) {
            problems.add(m.id() + ": selector matches no Service");
        }
        for (JsonNode endpoint : m.spec().path("endpoints")) {
            String port = endpoint.path("port").asText();
            for (Manifest service : services) {
                boolean found = false;
                for (JsonNode declared : service.spec().path("ports")) {
                    found |= declared.path("name").asText().equals(port);
                }
                if (!found) {
                    problems.add(m.id() + ": port " + port + " is not a named port of " + service.id());
                }
            }
        }
    }

    private static void address(String where, String value, Inventory inventory, List<String> problems) {
        for (String part : value.split(",")) {
            Matcher matcher = ADDRESS.matcher(part.strip());
            if (!matcher.matches() || (matcher.group(1) == null && matcher.group(4) == null)) {
                continue; // not an address (or a bare word)
            }
            String host = matcher.group(2);
            var service = inventory.service(host);
            if (service.isEmpty()) {
                problems.add(where + ": " + part + " names no Service (" + host + ")");
                continue;
            }
            String scheme = matcher.group(1);
            int port = matcher.group(4) != null ? Integer.parseInt(matcher.group(4))
                    : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : 5432;
            if (service.get().stream().noneMatch(p -> p.port() == port)) {
                problems.add(where + ": Service " + host + " has no port " + port);
            }
        }
    }
}

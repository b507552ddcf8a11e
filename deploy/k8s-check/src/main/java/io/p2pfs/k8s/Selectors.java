package io.p2pfs.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Label selectors as the API evaluates them. */
public final class Selectors {

    private Selectors() {
    }

    /**
     * True when the labels satisfy the selector. Takes both a LabelSelector ({@code matchLabels},
     * {@code matchExpressions}) and a Service's plain map selector.
     */
    public static boolean matches(JsonNode selector, Map<String, String> labels) {
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return false;
        }
        boolean labelSelector = selector.has("matchLabels") || selector.has("matchExpressions");
        JsonNode required = labelSelector ? selector.path("matchLabels") : selector;
        for (var entry : required.properties()) {
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            String value = labels.get(key);
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** An empty selector ({@code {}}) selects everything; checks treat it apart. */
    public static boolean isEmpty(JsonNode selector) {
        return selector.isObject() && selector.isEmpty();
    }
}

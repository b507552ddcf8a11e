package io.p2pfs.k8s;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Kubernetes resource quantities (10Gi, 512Mi, 500m, 2). */
public final class Quantities {

    /** Suffixes and their factors; two-letter suffixes first, so that Mi is not read as M. */
    private static final List<Map.Entry<String, BigDecimal>> SUFFIXES = List.of(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("k", BigDecimal.valueOf(1_000L)), Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)), Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("m", new BigDecimal("0.001")));

    private Quantities() {
    }

    public static BigDecimal value(String quantity) {
        for (Map.Entry<String, BigDecimal> suffix : SUFFIXES) {
            if (quantity.endsWith(suffix.getKey())) {
                return new BigDecimal(quantity.substring(0, quantity.length() - suffix.getKey().length())).multiply(suffix.getValue());
            }
        }
        return new BigDecimal(quantity);
    }

    public static long bytes(String quantity) {
        return value(quantity).longValue();
    }
}

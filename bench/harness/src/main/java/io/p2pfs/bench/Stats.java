package io.p2pfs.bench;

import java.util.Arrays;
import java.util.List;

/** Medians of repeated measurements. */
final class Stats {

    private Stats() {
    }

    interface Measurement {
        double take() throws Exception;
    }

    /** Runs the measurement {@code rounds} times and returns the median. */
    static double median(int rounds, Measurement measurement) throws Exception {
        double[] values = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            values[i] = measurement.take();
        }
        return median(values);
    }

    static double median(double... values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The {@code p}-th percentile (nearest rank) of durations in nanoseconds; NaN when there are none. */
    static double percentile(java.util.Collection<Long> nanos, double p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}

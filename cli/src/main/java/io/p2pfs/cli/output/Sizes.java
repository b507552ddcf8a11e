package io.p2pfs.cli.output;

import java.time.Duration;
import java.util.Locale;

/** Byte counts, rates and durations as people read and type them (binary units). */
public final class Sizes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Sizes() {
    }

    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, UNITS[unit]);
    }

    /**
     * A byte count as typed: plain bytes, or a whole or decimal number with a binary unit
     * ({@code 500K}, {@code 1.5G}, {@code 10GiB}, {@code 2TB}: K, M, G, T, P, with an optional
     * {@code iB} or {@code B}); answers null when it is none of these or below zero.
     */
    public static Long parse(String typed) {
        if (typed == null) {
            return null;
        }
        String value = typed.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        if (value.endsWith("IB")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("B")) {
            value = value.substring(0, value.length() - 1);
        }
        int shift = value.isEmpty() ? -1 : "KMGTP".indexOf(value.charAt(value.length() - 1));
        String number = shift < 0 ? value : value.substring(0, value.length() - 1);
        long unit = shift < 0 ? 1 : 1L << (10 * (shift + 1));
        try {
            java.math.BigDecimal bytes = new java.math.BigDecimal(number).multiply(java.math.BigDecimal.valueOf(unit));
            if (bytes.signum() < 0 || bytes.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                return null;
            }
            return bytes.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    public static String rate(double bytesPerSecond) {
        return bytes((long) bytesPerSecond) + "/s";
    }

    public static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}

package io.p2pfs.cli.commands;

import io.p2pfs.cli.CliFailure;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * A cap on the bytes per second of a whole command (every parallel transfer shares it), like
 * curl's {@code --limit-rate}: writes wait until the budget allows them.
 */
final class RateLimit {

    private final double bytesPerSecond;
    private final long startedNanos = System.nanoTime();
    private long granted;

    private RateLimit(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** {@code 500K}, {@code 2M}, {@code 1G} (binary units) or plain bytes; null: no limit. */
    static RateLimit parse(String rate) {
        if (rate == null) {
            return null;
        }
        String value = rate.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (value.endsWith("K")) {
            unit = 1L << 10;
        } else if (value.endsWith("M")) {
            unit = 1L << 20;
        } else if (value.endsWith("G")) {
            unit = 1L << 30;
        }
        try {
            double number = Double.parseDouble(unit == 1 ? value : value.substring(0, value.length() - 1));
            if (number <= 0) {
                throw CliFailure.usage("--limit-rate must be positive: " + rate);
            }
            return new RateLimit(number * unit);
        } catch (NumberFormatException e) {
            throw CliFailure.usage("--limit-rate takes bytes per second such as 500K, 2M or 1G: " + rate);
        }
    }

    private void take(int bytes) throws InterruptedIOException {
        long waitNanos;
        synchronized (this) {
            granted += bytes;
            double due = granted / bytesPerSecond * 1e9;
            waitNanos = (long) due - (System.nanoTime() - startedNanos);
        }
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    OutputStream limit(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                take(1);
                out.write(b);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                // Slices of at most 64 KiB, so a big write does not burst past the rate.
                for (int at = offset; at < offset + length; at += 65536) {
                    int slice = Math.min(65536, offset + length - at);
                    take(slice);
                    out.write(buffer, at, slice);
                }
            }
        };
    }
}

package io.p2pfs.cli.output;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress bars on a terminal's standard error: one line per running transfer (bytes, rate,
 * ETA) and a total line, redrawn in place a few times a second; a finished transfer leaves one
 * line behind. Disabled (not a terminal, or {@code --quiet}) it draws nothing at all.
 */
public final class Progress implements AutoCloseable {

    private static final int MAX_LIVE_LINES = 8;
    private static final long REDRAW_MILLIS = 200;

    private final PrintStream err;
    private final boolean enabled;
    private final int columns;
    private final long startedNanos = System.nanoTime();
    private final List<Transfer> running = new ArrayList<>();
    private final List<Transfer> finished = new ArrayList<>();
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong doneBytes = new AtomicLong();
    private int filesTotal;
    private int filesDone;
    private int drawnLines;
    private Thread painter;

    public Progress(PrintStream err, boolean enabled, int columns) {
        this.err = err;
        this.enabled = enabled;
        this.columns = Math.max(40, columns);
    }

    public boolean enabled() {
        return enabled;
    }

    /** A transfer of {@code total} bytes (-1: unknown) shown as {@code label}. */
    public synchronized Transfer start(String label, long total) {
        Transfer transfer = new Transfer(label, total);
        if (total > 0) {
            totalBytes.addAndGet(total);
        }
        filesTotal++;
        if (enabled) {
            running.add(transfer);
            if (painter == null) {
                painter = Thread.ofPlatform().daemon().name("p2pfs-progress").start(this::paint);
            }
        }
        return transfer;
    }

    /** One file's bytes as they move. */
    public final class Transfer {
        private final String label;
        private final long total;
        private final long startedNanos = System.nanoTime();
        private final AtomicLong moved = new AtomicLong();
        private volatile String outcome;

        private Transfer(String label, long total) {
            this.label = label;
            this.total = total;
        }

        public void add(long bytes) {
            moved.addAndGet(bytes);
            doneBytes.addAndGet(bytes);
        }

        public void done() {
            finish("done");
        }

        public void failed() {
            finish("failed");
        }

        private void finish(String how) {
            synchronized (Progress.this) {
                if (outcome != null) {
                    return;
                }
                outcome = how;
                filesDone++;
                if (enabled) {
                    running.remove(this);
                    finished.add(this);
                }
            }
        }

        public InputStream meter(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        add(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        add(n);
                    }
                    return n;
                }
            };
        }

        public OutputStream meter(OutputStream out) {
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    add(1);
                }

                @Override
                public void write(byte[] buffer, int offset, int length) throws IOException {
                    out.write(buffer, offset, length);
                    add(length);
                }
            };
        }

        private String line(long now) {
            double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
            long bytes = moved.get();
            double rate = bytes / seconds;
            return render(label, bytes, total, rate, outcome);
        }
    }

    private String render(String label, long bytes, long total, double rate, String outcome) {
        String amount = total >= 0 ? Sizes.bytes(bytes) + " / " + Sizes.bytes(total) : Sizes.bytes(bytes);
        String tail;
        if (outcome != null) {
            tail = String.format(Locale.ROOT, "%s  %s  %s", amount, Sizes.rate(rate), outcome);
        } else {
            String eta = total > 0 && rate > 0 ? "ETA " + Sizes.duration(Duration.ofSeconds(
                    (long) Math.ceil((total - bytes) / rate))) : "ETA --:--";
            tail = String.format(Locale.ROOT, "%s  %s  %s", amount, Sizes.rate(rate), eta);
        }
        int percent = total > 0 ? (int) Math.min(100, bytes * 100 / total) : (outcome != null ? 100 : 0);
        int barWidth = Math.max(10, Math.min(30, columns - tail.length() - 32));
        int filled = barWidth * percent / 100;
        String bar = "[" + "=".repeat(filled) + (filled < barWidth ? ">" : "") + " ".repeat(Math.max(0,
                barWidth - filled - 1)) + "]";
        int labelWidth = Math.max(8, columns - bar.length() - tail.length() - 9);
        String shown = label.length() > labelWidth ? "…" + label.substring(label.length() - labelWidth + 1) : label;
        return String.format(Locale.ROOT, "%-" + labelWidth + "s %s %3d%% %s", shown, bar, percent, tail);
    }

    private void paint() {
        while (!Thread.currentThread().isInterrupted()) {
            draw();
            try {
                Thread.sleep(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void draw() {
        long now = System.nanoTime();
        StringBuilder frame = new StringBuilder();
        if (drawnLines > 0) {
            frame.append("\033[").append(drawnLines).append('F');
        }
        int permanent = finished.size();
        for (Transfer transfer : finished) {
            frame.append("\033[2K").append(transfer.line(now)).append('\n');
        }
        finished.clear();
        int lines = 0;
        for (Transfer transfer : running.subList(Math.max(0, running.size() - MAX_LIVE_LINES), running.size())) {
            frame.append("\033[2K").append(transfer.line(now)).append('\n');
            lines++;
        }
        double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
        String label = String.format(Locale.ROOT, "total (%d/%d files)", filesDone, filesTotal);
        frame.append("\033[2K").append(render(label, doneBytes.get(), totalBytes.get() > 0 ? totalBytes.get() : -1,
                doneBytes.get() / seconds, running.isEmpty() ? "done" : null)).append('\n');
        lines++;
        // Clear what a taller previous frame left below this one.
        int printed = permanent + lines;
        for (int extra = printed; extra < drawnLines; extra++) {
            frame.append("\033[2K\n");
        }
        if (drawnLines > printed) {
            frame.append("\033[").append(drawnLines - printed).append('F');
        }
        drawnLines = lines;
        err.print(frame);
        err.flush();
    }

    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            thread = painter;
            painter = null;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            draw();
        }
    }
}

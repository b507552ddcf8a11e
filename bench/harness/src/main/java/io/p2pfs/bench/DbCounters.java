package io.p2pfs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own count of the statements and commits run in the metadata service's database
 * (pg_stat_statements, through {@code deploy/local/postgres counters}). The services' background
 * work (lock sweeps, repair and garbage rounds, the outbox relay) runs beside every workload; its
 * rate is measured while the workload is idle and taken out of each workload's share.
 */
final class DbCounters {

    record Sample(long statements, long commits, long nanos) {

        Cost minus(Sample before, Rate background) {
            double seconds = (nanos - before.nanos) / 1e9;
            return new Cost(Math.max(0, statements - before.statements - background.statements() * seconds),
                    Math.max(0, commits - before.commits - background.commits() * seconds));
        }
    }

    record Rate(double statements, double commits) {
    }

    /** Statements and commits of one workload (background taken out). */
    record Cost(double statements, double commits) {

        Cost per(double operations) {
            return new Cost(statements / operations, commits / operations);
        }
    }

    private final Path script;
    private final String database;
    private boolean available = true;
    private String why;

    DbCounters(Path projectRoot, String database) {
        this.script = projectRoot.resolve("deploy/local/postgres");
        this.database = database;
    }

    /** The counters now, or null when the server does not keep them (then {@link #why} says so). */
    Sample sample() {
        if (!available) {
            return null;
        }
        try {
            Process process = new ProcessBuilder("bash", script.toString(), "counters", database)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return unavailable("deploy/local/postgres counters failed");
            }
            if (out.equals("unavailable")) {
                return unavailable("the PostgreSQL server was not started with pg_stat_statements");
            }
            String[] parts = out.split("\\s+");
            return new Sample(Long.parseLong(parts[0]), Long.parseLong(parts[1]), System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return unavailable("deploy/local/postgres counters: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted");
        }
    }

    /** The background rate over {@code millis} of doing nothing. */
    Rate background(long millis) throws InterruptedException {
        Sample before = sample();
        Thread.sleep(millis);
        Sample after = sample();
        if (before == null || after == null) {
            return new Rate(0, 0);
        }
        double seconds = (after.nanos - before.nanos) / 1e9;
        return new Rate((after.statements - before.statements) / seconds, (after.commits - before.commits) / seconds);
    }

    String why() {
        return why;
    }

    private Sample unavailable(String reason) {
        available = false;
        why = reason;
        return null;
    }
}

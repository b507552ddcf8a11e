package io.p2pfs.cli.commands;

import io.p2pfs.cli.ExitCodes;
import io.p2pfs.cli.Failure;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per item, {@code parallelism} at a time. A single item's failure is thrown as
 * it is (so it is reported like any command's); with several, each failure is printed against
 * its item, the others still run, and the first failure's exit status is the batch's.
 */
final class Batch {

    interface Task<I, R> {
        R run(I item) throws Exception;
    }

    record Outcome<I, R>(List<R> done, int exitCode) {
    }

    private Batch() {
    }

    static <I, R> Outcome<I, R> run(List<I> items, int parallelism, Task<I, R> task, java.util.function.Function<I,
            String> describe, PrintStream err) throws Exception {
        if (items.size() == 1) {
            return new Outcome<>(List.of(task.run(items.get(0))), ExitCodes.OK);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, items.size())),
                Thread.ofPlatform().daemon().name("p2pfs-batch-", 0).factory());
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (I item : items) {
                futures.add(pool.submit(() -> task.run(item)));
            }
            List<R> done = new ArrayList<>();
            int exitCode = ExitCodes.OK;
            for (int i = 0; i < items.size(); i++) {
                try {
                    done.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Failure failure = Failure.of(e.getCause());
                    exitCode = exitCode == ExitCodes.OK ? failure.exitCode() : exitCode;
                    err.println("p2pfs: " + describe.apply(items.get(i)) + ": " + failure.describe());
                }
            }
            return new Outcome<>(done, exitCode);
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.p2pfs.client.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Joins calls that threads make at the same time into batches. A call made while fewer than
 * {@code inFlight} calls are out is sent at once (alone, by {@code single}), so a lone caller waits
 * for nothing; calls made while that many are out queue, and the moment one comes back everything
 * queued meanwhile (up to {@code maxBatch}) goes out as one batch, from wherever that answer arrived
 * (an event loop): no thread is woken to send it. So under load each round trip answers many calls,
 * and no call waits for a timer.
 *
 * <p>A failure of a single call is that call's; a failure of a batch is every call's in it. The
 * functions start their call and must not block: they answer with a stage that completes later.
 */
public final class Coalescer<Q, A> {

    private record Waiter<Q, A>(Q query, CompletableFuture<A> answer) {
    }

    private final Function<Q, ? extends CompletionStage<A>> single;
    private final Function<List<Q>, ? extends CompletionStage<List<A>>> batch;
    private final int inFlight;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter<Q, A>> queue = new ArrayDeque<>();
    private int sending;

    /**
     * @param single   starts one query (its stage failing, or the function throwing, is that call's failure)
     * @param batch    starts several, answering one answer per query in their order (a failure fails them all)
     * @param inFlight how many calls or batches may be out at once (at least 1)
     * @param maxBatch the most queries one batch carries (at least 1)
     */
    public Coalescer(Function<Q, ? extends CompletionStage<A>> single,
            Function<List<Q>, ? extends CompletionStage<List<A>>> batch, int inFlight, int maxBatch) {
        if (inFlight < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("inFlight and maxBatch must be at least 1");
        }
        this.single = Objects.requireNonNull(single);
        this.batch = Objects.requireNonNull(batch);
        this.inFlight = inFlight;
        this.maxBatch = maxBatch;
    }

    /** How many calls wait to be sent (none are while fewer than {@code inFlight} calls are out). */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Answers {@code query}, alone or in a batch with the calls of other threads; blocks until then. */
    public A call(Q query) {
        CompletableFuture<A> mine = new CompletableFuture<>();
        List<Waiter<Q, A>> taken = null;
        lock.lock();
        try {
            queue.add(new Waiter<>(query, mine));
            if (sending < inFlight) {
                sending++;
                taken = take();
            }
        } finally {
            lock.unlock();
        }
        if (taken != null) {
            send(taken);
        }
        try {
            return mine.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException failure) {
                throw failure;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("the call failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the answer", e);
        }
    }

    /** Under the lock: the next batch from the head of the queue. */
    private List<Waiter<Q, A>> take() {
        List<Waiter<Q, A>> taken = new ArrayList<>(Math.min(queue.size(), maxBatch));
        while (!queue.isEmpty() && taken.size() < maxBatch) {
            taken.add(queue.poll());
        }
        return taken;
    }

    /**
     * Sends {@code taken} holding one slot; when it is answered, the slot sends what queued
     * meanwhile or is given back. A call that completes at once goes round this loop rather than
     * deeper into the stack.
     */
    private void send(List<Waiter<Q, A>> taken) {
        while (taken != null) {
            CompletableFuture<List<A>> outcome = start(taken);
            List<Waiter<Q, A>> sent = taken;
            if (!outcome.isDone()) {
                outcome.whenComplete((answers, failure) -> send(finish(sent, answers, failure)));
                return;
            }
            taken = outcome.handle((answers, failure) -> finish(sent, answers, failure)).join();
        }
    }

    private CompletableFuture<List<A>> start(List<Waiter<Q, A>> taken) {
        try {
            if (taken.size() == 1) {
                return single.apply(taken.getFirst().query()).toCompletableFuture()
                        .thenApply(java.util.Collections::singletonList);
            }
            List<Q> queries = new ArrayList<>(taken.size());
            for (Waiter<Q, A> waiter : taken) {
                queries.add(waiter.query());
            }
            return batch.apply(queries).toCompletableFuture().thenApply(answers -> {
                if (answers.size() != taken.size()) {
                    throw new IllegalStateException("a batch of " + taken.size() + " got " + answers.size()
                            + " answers");
                }
                return answers;
            });
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Answers every call taken (each must hear back), then takes the next batch or frees the slot. */
    private List<Waiter<Q, A>> finish(List<Waiter<Q, A>> taken, List<A> answers, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        for (int i = 0; i < taken.size(); i++) {
            if (cause != null) {
                taken.get(i).answer().completeExceptionally(cause);
            } else {
                taken.get(i).answer().complete(answers.get(i));
            }
        }
        lock.lock();
        try {
            if (queue.isEmpty()) {
                sending--;
                return null;
            }
            return take();
        } finally {
            lock.unlock();
        }
    }
}

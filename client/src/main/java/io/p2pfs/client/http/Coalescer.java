package io.p2pfs.client.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Joins calls that threads make at the same time into batches. A call made while fewer than
 * {@code inFlight} batches are out is sent at once (alone, by {@code single}, when nothing else
 * waits), so a lone caller waits for nothing; calls made while that many are out queue, and the
 * thread whose batch comes back next sends everything queued meanwhile (up to {@code maxBatch})
 * as one batch. So under load each round trip answers many calls, and no call waits for a timer.
 *
 * <p>A failure of a single call is that call's; a failure of a batch is every call's in it.
 */
public final class Coalescer<Q, A> {

    private static final class Waiter<Q, A> {
        final Q query;
        final Condition wake;
        boolean lead;
        boolean done;
        A answer;
        RuntimeException failure;

        Waiter(Q query, Condition wake) {
            this.query = query;
            this.wake = wake;
        }
    }

    private final Function<Q, A> single;
    private final Function<List<Q>, List<A>> batch;
    private final int inFlight;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter<Q, A>> queue = new ArrayDeque<>();
    private int sending;

    /**
     * @param single   answers one query (may throw: that call's failure)
     * @param batch    answers several, one answer per query in their order (a throw fails them all)
     * @param inFlight how many calls or batches may be out at once (at least 1)
     * @param maxBatch the most queries one batch carries (at least 1)
     */
    public Coalescer(Function<Q, A> single, Function<List<Q>, List<A>> batch, int inFlight, int maxBatch) {
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

    /** Answers {@code query}, alone or in a batch with the calls of other threads. */
    public A call(Q query) {
        Waiter<Q, A> me;
        lock.lock();
        try {
            me = new Waiter<>(query, lock.newCondition());
            queue.add(me);
            if (sending < inFlight) {
                sending++;
                me.lead = true;
            }
            while (!me.lead && !me.done) {
                me.wake.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (me.lead) {
            send(me);
        }
        if (me.failure != null) {
            throw me.failure;
        }
        return me.answer;
    }

    /** Sends what is queued until {@code me} is answered, then hands the sending slot on. */
    private void send(Waiter<Q, A> me) {
        while (true) {
            List<Waiter<Q, A>> taken = new ArrayList<>();
            lock.lock();
            try {
                if (me.done) {
                    Waiter<Q, A> next = null;
                    for (Waiter<Q, A> queued : queue) {
                        if (!queued.lead) {
                            next = queued;
                            break;
                        }
                    }
                    if (next != null) {
                        next.lead = true;
                        next.wake.signal();
                    } else {
                        sending--;
                    }
                    return;
                }
                if (queue.isEmpty()) {
                    // another sender took this call into its batch: wait for that answer
                    while (!me.done) {
                        me.wake.awaitUninterruptibly();
                    }
                    continue;
                }
                while (!queue.isEmpty() && taken.size() < maxBatch) {
                    taken.add(queue.poll());
                }
            } finally {
                lock.unlock();
            }
            answer(taken);
        }
    }

    private void answer(List<Waiter<Q, A>> taken) {
        List<A> answers = null;
        RuntimeException failure = null;
        try {
            if (taken.size() == 1) {
                answers = java.util.Collections.singletonList(single.apply(taken.getFirst().query));
            } else {
                List<Q> queries = new ArrayList<>(taken.size());
                for (Waiter<Q, A> waiter : taken) {
                    queries.add(waiter.query);
                }
                answers = batch.apply(queries);
                if (answers.size() != taken.size()) {
                    failure = new IllegalStateException("a batch of " + taken.size() + " got " + answers.size()
                            + " answers");
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            // every call taken must hear back (or its thread waits for ever), and the slot must go on
            failure = new IllegalStateException("the call failed: " + e, e);
        }
        lock.lock();
        try {
            for (int i = 0; i < taken.size(); i++) {
                Waiter<Q, A> waiter = taken.get(i);
                if (failure != null) {
                    waiter.failure = failure;
                } else {
                    waiter.answer = answers.get(i);
                }
                waiter.done = true;
                waiter.wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }
}

package io.p2pfs.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Coalescer}: every call gets its own answer or its own failure, calls made while the
 * slots are busy go together, and never more calls are out than allowed.
 */
class CoalescerTests {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> singles = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /**
     * A coalescer over blocking functions, each call started on a thread of its own (as the client
     * starts a request whose answer an event loop delivers later).
     */
    private <Q, A> Coalescer<Q, A> coalescer(Function<Q, A> single, Function<List<Q>, List<A>> batch, int inFlight,
            int maxBatch) {
        return new Coalescer<>(q -> CompletableFuture.supplyAsync(() -> single.apply(q), threads),
                queries -> CompletableFuture.supplyAsync(() -> batch.apply(queries), threads), inFlight, maxBatch);
    }

    private static String answer(String query) {
        return "answer:" + query;
    }

    private Function<List<String>, List<String>> batch() {
        return queries -> {
            batches.add(List.copyOf(queries));
            return queries.stream().map(CoalescerTests::answer).toList();
        };
    }

    /** Makes calls q0, q1, ... on threads of their own and waits until all {@code count} queue behind the busy slots. */
    private List<Future<String>> queueBehind(Coalescer<String, String> coalescer, int count) throws InterruptedException {
        List<Future<String>> queued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String query = "q" + i;
            queued.add(threads.submit(() -> coalescer.call(query)));
        }
        awaitWaiting(coalescer, count);
        return queued;
    }

    /** Waits (bounded) until {@code count} calls queue behind the busy slots. */
    private static void awaitWaiting(Coalescer<?, ?> coalescer, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (coalescer.waiting() < count) {
            assertTrue(System.nanoTime() < deadline, "calls did not queue: " + coalescer.waiting());
            Thread.sleep(1);
        }
    }

    @Test
    void aLoneCallIsSentAloneAtOnce() {
        Coalescer<String, String> coalescer = coalescer(q -> {
            singles.add(q);
            return answer(q);
        }, batch(), 2, 100);
        for (int i = 0; i < 5; i++) {
            assertEquals(answer("q" + i), coalescer.call("q" + i));
        }
        assertEquals(List.of("q0", "q1", "q2", "q3", "q4"), singles);
        assertTrue(batches.isEmpty());
        assertEquals(0, coalescer.waiting());
    }

    @Test
    void callsMadeWhileTheSlotIsBusyGoTogetherInOneBatchEachWithItsOwnAnswer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Coalescer<String, String> coalescer = coalescer(q -> {
            singles.add(q);
            await(release);
            return answer(q);
        }, batch(), 1, 100);
        Future<String> first = threads.submit(() -> coalescer.call("first"));
        awaitSingles(1);
        List<Future<String>> queued = queueBehind(coalescer, 6);
        release.countDown();
        assertEquals(answer("first"), first.get(30, TimeUnit.SECONDS));
        for (int i = 0; i < 6; i++) {
            assertEquals(answer("q" + i), queued.get(i).get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of("first"), singles);
        assertEquals(1, batches.size(), String.valueOf(batches));
        assertEquals(Set.of("q0", "q1", "q2", "q3", "q4", "q5"), new HashSet<>(batches.getFirst()));
        assertEquals(0, coalescer.waiting());
    }

    @Test
    void aBatchCarriesAtMostMaxBatchCalls() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Coalescer<String, String> coalescer = coalescer(q -> {
            singles.add(q);
            await(release);
            return answer(q);
        }, batch(), 1, 2);
        Future<String> first = threads.submit(() -> coalescer.call("first"));
        awaitSingles(1);
        List<Future<String>> queued = queueBehind(coalescer, 5);
        release.countDown();
        first.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            assertEquals(answer("q" + i), queued.get(i).get(30, TimeUnit.SECONDS));
        }
        Set<String> sent = new HashSet<>(singles);
        for (List<String> batch : batches) {
            assertTrue(batch.size() <= 2, String.valueOf(batches));
            sent.addAll(batch);
        }
        // Five queued, at most two a batch: a lone remainder goes as a single call.
        assertEquals(Set.of("first", "q0", "q1", "q2", "q3", "q4"), sent);
        assertEquals(6, singles.size() + batches.stream().mapToInt(List::size).sum(), "each call sent once");
    }

    @Test
    void aSingleCallsFailureIsItsOwn() throws Exception {
        Coalescer<String, String> coalescer = coalescer(q -> {
            if (q.startsWith("bad")) {
                throw new IllegalArgumentException("refused " + q);
            }
            return answer(q);
        }, queries -> queries.stream().map(q -> q.startsWith("bad") ? "refused:" + q : answer(q)).toList(), 2, 100);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> coalescer.call("bad1"));
        assertEquals("refused bad1", refused.getMessage());
        assertEquals(answer("good"), coalescer.call("good"));
        // Under load too: the bad ones fail, the good ones answer, whether alone or batched.
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String query = (i % 3 == 0 ? "bad" : "good") + i;
            calls.add(threads.submit(() -> coalescer.call(query)));
        }
        for (int i = 0; i < 200; i++) {
            if (i % 3 == 0) {
                // Alone, a bad one fails with its own failure; in a batch it gets the batch's answer for it.
                try {
                    assertEquals("refused:bad" + i, calls.get(i).get(30, TimeUnit.SECONDS));
                } catch (ExecutionException failed) {
                    assertEquals("refused bad" + i, failed.getCause().getMessage());
                }
            } else {
                assertEquals(answer("good" + i), calls.get(i).get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aBatchsFailureIsEveryCallsInItAndTheSlotGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger failBatches = new AtomicInteger(1);
        IllegalStateException broken = new IllegalStateException("batch broke");
        Coalescer<String, String> coalescer = coalescer(q -> {
            singles.add(q);
            await(release);
            return answer(q);
        }, queries -> {
            batches.add(List.copyOf(queries));
            if (failBatches.getAndDecrement() > 0) {
                throw broken;
            }
            return queries.stream().map(CoalescerTests::answer).toList();
        }, 1, 100);
        Future<String> first = threads.submit(() -> coalescer.call("first"));
        awaitSingles(1);
        List<Future<String>> queued = queueBehind(coalescer, 3);
        release.countDown();
        assertEquals(answer("first"), first.get(30, TimeUnit.SECONDS));
        for (Future<String> call : queued) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            assertSame(broken, failed.getCause());
        }
        assertEquals(1, batches.size());
        // The slot was handed back: later calls are answered.
        assertEquals(answer("later"), coalescer.call("later"));
    }

    @Test
    void aBatchAnsweringTheWrongNumberFailsEveryCallInIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Coalescer<String, String> coalescer = coalescer(q -> {
            singles.add(q);
            await(release);
            return answer(q);
        }, queries -> List.of("just one"), 1, 100);
        Future<String> first = threads.submit(() -> coalescer.call("first"));
        awaitSingles(1);
        List<Future<String>> queued = queueBehind(coalescer, 2);
        release.countDown();
        first.get(30, TimeUnit.SECONDS);
        for (Future<String> call : queued) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("a batch of 2 got 1"), failed.getCause().getMessage());
        }
    }

    @Test
    void neverMoreCallsOutThanAllowedAndEveryCallerGetsItsOwnAnswer() throws Exception {
        AtomicInteger out = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Function<Integer, Integer> enter = n -> {
            int now = out.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            return now;
        };
        Coalescer<Integer, Integer> coalescer = coalescer(q -> {
            enter.apply(q);
            Thread.onSpinWait();
            out.decrementAndGet();
            return q * 2;
        }, queries -> {
            enter.apply(queries.size());
            List<Integer> answers = queries.stream().map(q -> q * 2).toList();
            out.decrementAndGet();
            return answers;
        }, 3, 50);
        List<Future<List<Integer>>> callers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int base = t * 1_000;
            callers.add(threads.submit(() -> {
                List<Integer> wrong = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    if (coalescer.call(base + i) != (base + i) * 2) {
                        wrong.add(base + i);
                    }
                }
                return wrong;
            }));
        }
        for (Future<List<Integer>> caller : callers) {
            assertEquals(List.of(), caller.get(60, TimeUnit.SECONDS));
        }
        assertTrue(most.get() <= 3, "at most three out at once, saw " + most.get());
        assertEquals(0, out.get());
        assertEquals(0, coalescer.waiting());
    }

    @Test
    void theNextBatchIsSentWhereTheAnswerArrivesWithoutWakingACaller() throws Exception {
        // Answers arrive on one thread of their own (as on an event loop); the calls queued meanwhile
        // go out from that thread the moment the answer is there.
        ExecutorService answers = Executors.newSingleThreadExecutor(r -> new Thread(r, "answers"));
        CountDownLatch release = new CountDownLatch(1);
        List<String> sentFrom = Collections.synchronizedList(new ArrayList<>());
        try {
            Coalescer<String, String> coalescer = new Coalescer<>(q -> {
                singles.add(q);
                return CompletableFuture.supplyAsync(() -> {
                    await(release);
                    return answer(q);
                }, answers);
            }, queries -> {
                sentFrom.add(Thread.currentThread().getName());
                batches.add(List.copyOf(queries));
                return CompletableFuture.supplyAsync(() -> queries.stream().map(CoalescerTests::answer).toList(),
                        answers);
            }, 1, 100);
            Future<String> first = threads.submit(() -> coalescer.call("first"));
            awaitSingles(1);
            List<Future<String>> queued = queueBehind(coalescer, 4);
            release.countDown();
            assertEquals(answer("first"), first.get(30, TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                assertEquals(answer("q" + i), queued.get(i).get(30, TimeUnit.SECONDS));
            }
            assertEquals(List.of("answers"), sentFrom);
            assertEquals(Set.of("q0", "q1", "q2", "q3"), new HashSet<>(batches.getFirst()));
        } finally {
            answers.shutdownNow();
        }
    }

    @Test
    void callsAnsweredAtOnceAreAllAnsweredUnderConcurrency() throws Exception {
        // Stages already complete when returned (or functions that throw) take the loop, not the stack.
        Coalescer<Integer, Integer> coalescer = new Coalescer<>(q -> {
            if (q % 7 == 0) {
                throw new IllegalArgumentException("refused " + q);
            }
            return CompletableFuture.completedFuture(q * 2);
        }, queries -> CompletableFuture.completedFuture(queries.stream().map(q -> q * 2).toList()), 2, 50);
        List<Future<List<Integer>>> callers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int base = t * 1_000;
            callers.add(threads.submit(() -> {
                List<Integer> wrong = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    int query = base + i;
                    try {
                        if (coalescer.call(query) != query * 2) {
                            wrong.add(query);
                        }
                    } catch (IllegalArgumentException refused) {
                        if (query % 7 != 0 || !refused.getMessage().equals("refused " + query)) {
                            wrong.add(query);
                        }
                    }
                }
                return wrong;
            }));
        }
        for (Future<List<Integer>> caller : callers) {
            assertEquals(List.of(), caller.get(60, TimeUnit.SECONDS));
        }
        assertEquals(0, coalescer.waiting());
    }

    @Test
    void slotsAndBatchesAreAtLeastOne() {
        assertThrows(IllegalArgumentException.class, () -> this.<String, String>coalescer(q -> q, batch(), 0, 10));
        assertThrows(IllegalArgumentException.class, () -> this.<String, String>coalescer(q -> q, batch(), 1, 0));
    }

    private void awaitSingles(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (singles.size() < count) {
            assertTrue(System.nanoTime() < deadline, "the first call was not sent");
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.p2pfs.common.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

/**
 * Runs one asynchronous step per item, one after another (a database session allows one
 * operation at a time). Unlike a loop of {@code uni = uni.flatMap(...)}, which nests one
 * subscription per item and overflows the stack for long lists, this drains iteratively.
 */
public final class Sequence {

    private Sequence() {
    }

    public static <T> Uni<Void> forEach(Iterable<T> items, Function<T, Uni<?>> step) {
        return Multi.createFrom().iterable(items).onItem().transformToUniAndConcatenate(step).collect().last()
                .replaceWithVoid();
    }
}

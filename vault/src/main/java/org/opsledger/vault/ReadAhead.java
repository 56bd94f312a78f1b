package org.opsledger.vault;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads several items at once and hands each on in their order (the journal's files, a copy's runs of a pack): an item is
 * read only once fewer than {@code atOnce} are held, read or being read, the one being handed on among them, so at most
 * {@code atOnce} reads are in memory (all were submitted at once: the readers ran ahead, and every segment was in the heap together).
 */
public final class ReadAhead {

    private ReadAhead() {
    }

    /**
     * Reads each of {@code items} with {@code read} on threads named {@code threadName}, {@code atOnce} at a time, and
     * hands each with what was read to {@code each}, in order; one item, or {@code atOnce} 1, on the calling thread. A reader's
     * exception is thrown as it was (a reader out of heap as on the main thread: exit 4 and the launcher's retry); an
     * interrupt of the calling thread is {@code what} cancelled.
     */
    public static <T, R> void inOrder(List<T> items, int atOnce, String threadName, String what, Function<T, R> read, BiConsumer<T, R> each) {
        if (items.isEmpty()) {
            return;
        }
        int readers = Math.min(atOnce, items.size());
        if (readers == 1) { // a re-run's one snapshot file and one index file: a thread started for each read nothing at once
            for (T item : items) {
                each.accept(item, read.apply(item));
            }
            return;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(readers, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        })) {
            ArrayDeque<Future<R>> pending = new ArrayDeque<>(readers);
            for (int i = 0; i < readers; i++) {
                T item = items.get(i);
                pending.add(pool.submit(() -> read.apply(item)));
            }
            for (int i = 0; i < items.size(); i++) {
                R got = pending.poll().get();
                each.accept(items.get(i), got); // handed on: not held past it
                if (i + readers < items.size()) {
                    T item = items.get(i + readers);
                    pending.add(pool.submit(() -> read.apply(item)));
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new VaultException(what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            throw new Cancelled(what, e);
        }
    }
}

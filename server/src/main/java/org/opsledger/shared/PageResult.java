package org.opsledger.shared;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, as every {@code /api/v1} list endpoint returns it.
 *
 * @param items      the items on this page
 * @param page       zero-based page number
 * @param size       page size asked for
 * @param totalItems items across all pages
 */
public record PageResult<T>(List<T> items, int page, int size, long totalItems) {

    public static final int MAX_SIZE = 500;

    public long totalPages() {
        return size == 0 ? 0 : (totalItems + size - 1) / size;
    }

    public <R> PageResult<R> map(Function<T, R> mapper) {
        return new PageResult<>(items.stream().map(mapper).toList(), page, size, totalItems);
    }

    /** One page of a list held in memory (a short one: the control catalog, a control's history). */
    public static <T> PageResult<T> slice(List<T> all, int requestedPage, int requestedSize) {
        int page = Math.max(0, requestedPage);
        int size = clampSize(requestedSize);
        int from = (int) Math.min(all.size(), offset(page, size));
        return new PageResult<>(all.subList(from, Math.min(all.size(), from + size)), page, size, all.size());
    }

    /** Clamps a requested page size into 1..{@link #MAX_SIZE}. */
    public static int clampSize(int requested) {
        return Math.max(1, Math.min(MAX_SIZE, requested));
    }

    public static long offset(int page, int size) {
        return (long) Math.max(0, page) * size;
    }
}

package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A {@link HashStore} in the heap: per level, the subtree hashes packed back to back in 1 MiB
 * pages (32 bytes per node, no per-node objects), about 64 bytes per leaf in total. Subtrees of a
 * level must arrive in index order, as an append-only tree produces them. Thread-safe.
 */
public final class InMemoryHashStore implements HashStore {

    private static final int PAGE_SHIFT = 15;
    private static final int PAGE_NODES = 1 << PAGE_SHIFT;

    private final List<Level> levels = new ArrayList<>();

    @Override
    public synchronized List<Hash> getAll(List<SubtreeId> ids) {
        List<Hash> hashes = new ArrayList<>(ids.size());
        for (SubtreeId id : ids) {
            Level level = id.level() < levels.size() ? levels.get(id.level()) : null;
            if (level == null || id.index() >= level.count) {
                throw new MissingSubtreeException(id);
            }
            hashes.add(Hash.of(level.page(id.index()), level.offset(id.index())));
        }
        return hashes;
    }

    @Override
    public synchronized void putAll(Collection<StoredSubtree> subtrees) {
        for (StoredSubtree subtree : subtrees) {
            put(subtree.id().level(), subtree.id().index(), subtree.hash());
        }
    }

    /** Number of subtrees held at {@code level}. */
    public synchronized long count(int level) {
        return level < levels.size() ? levels.get(level).count : 0;
    }

    private void put(int levelNumber, long index, Hash hash) {
        while (levels.size() <= levelNumber) {
            levels.add(new Level());
        }
        Level level = levels.get(levelNumber);
        if (index < level.count) {
            if (!hash.matches(level.page(index), level.offset(index))) {
                throw new IllegalStateException("subtree at level " + levelNumber + ", index " + index
                        + " is already stored with a different hash");
            }
            return; // idempotent replay of a write that already happened
        }
        if (index != level.count) {
            throw new IllegalStateException("level " + levelNumber + " holds " + level.count
                    + " subtrees; cannot store index " + index + " out of order");
        }
        if ((index & (PAGE_NODES - 1)) == 0) {
            level.pages.add(new byte[PAGE_NODES * Hash.SIZE]);
        }
        hash.copyTo(level.page(index), level.offset(index));
        level.count++;
    }

    private static final class Level {
        final List<byte[]> pages = new ArrayList<>();
        long count;

        byte[] page(long index) {
            return pages.get((int) (index >>> PAGE_SHIFT));
        }

        int offset(long index) {
            return (int) (index & (PAGE_NODES - 1)) * Hash.SIZE;
        }
    }
}

package org.opsledger.vault.restorer;

import java.util.List;

/**
 * What a restore wrote, the names it refused, the metadata the target's filesystem would not take,
 * and (with verify) every mismatch found afterwards.
 */
public record RestoreResult(long files, long dirs, long symlinks, long bytes, List<String> refused,
                            List<Unapplied> unapplied, boolean verified, List<String> verifyFailures) {

    /**
     * One kind of metadata ({@code what}: owner, mode, extended attributes, modification time) that
     * could not be set on {@code count} restored paths for one {@code reason}; {@code first} names up
     * to ten of them. Their data was restored (and, with verify, proved).
     */
    public record Unapplied(String what, String reason, long count, List<String> first) {
    }

    /** Everything restored as the snapshot has it. */
    public boolean ok() {
        return refused.isEmpty() && unapplied.isEmpty() && verifyFailures.isEmpty();
    }
}

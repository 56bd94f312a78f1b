package org.opsledger.vault.restorer;

import java.util.List;

/**
 * What a restore wrote ({@code specials}: FIFOs and device nodes made), the names it refused, the metadata the target's filesystem would not take,
 * (with verify) every mismatch found afterwards, and how many paths {@code --exclude} left out. {@code verified}: verify
 * ran on something restored and found no difference (a restore that wrote nothing proves no recovery, IS.012 6.6.4; one
 * that differs proves none either: --json said "verified": true beside its differences, a helper's).
 */
public record RestoreResult(long files, long dirs, long symlinks, long specials, long bytes, List<String> refused,
                            List<Unapplied> unapplied, boolean verified, List<String> verifyFailures, long excluded) {

    /**
     * One thing ({@code what}: name, symbolic link, FIFO or device node, hard link, owner, set-user-ID or set-group-ID bit,
     * mode, extended attributes, modification time) with one {@code outcome} (refused: not restored, not created, written
     * as a separate copy, cleared, not set) on {@code count} paths for one {@code reason}; {@code first} names up to ten of
     * them. Every other byte was restored (and, with verify, proved).
     */
    public record Unapplied(String what, String outcome, String reason, long count, List<String> first) {
    }

    /** Everything restored as the snapshot has it. */
    public boolean ok() {
        return refused.isEmpty() && unapplied.isEmpty() && verifyFailures.isEmpty();
    }
}

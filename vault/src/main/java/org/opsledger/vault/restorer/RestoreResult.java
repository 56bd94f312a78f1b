package org.opsledger.vault.restorer;

import java.util.List;

/** What a restore wrote, the names it refused, and (with verify) every mismatch found afterwards. */
public record RestoreResult(long files, long dirs, long symlinks, long bytes, List<String> refused,
                            boolean verified, List<String> verifyFailures) {
    public boolean ok() {
        return refused.isEmpty() && verifyFailures.isEmpty();
    }
}

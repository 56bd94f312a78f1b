package org.opsledger.vault.prune;

import java.util.List;
import org.opsledger.vault.snapshot.SnapshotRef;

/** Whether one snapshot stays, and every reason that keeps it. */
public record ForgetDecision(SnapshotRef snapshot, boolean keep, List<String> reasons) {
}

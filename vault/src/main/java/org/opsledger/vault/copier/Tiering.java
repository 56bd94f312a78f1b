package org.opsledger.vault.copier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.1.3: backups stay on near-line storage for the first 30 days, then move to long-term
 * storage. A snapshot older than the near-line period is copied to the long-term repository
 * (once: a copy is recognised by its {@code copied-from} tag, and an amended record amends the copy's,
 * {@link Copier#copyOnce}) and then forgotten near-line,
 * unless it is under legal hold there (IS.012 6.6.7), in which case it stays in both.
 */
public final class Tiering {

    public static final Duration NEAR_LINE = Duration.ofDays(30);

    private final Repository nearLine;
    private final Repository longTerm;

    public Tiering(Repository nearLine, Repository longTerm) {
        this.nearLine = nearLine;
        this.longTerm = longTerm;
    }

    /**
     * One snapshot's move: where its copy is, and whether the near-line original was forgotten. {@code amendedCopy}: the
     * copy made before whose record the source's amendment replaced ({@link Copier.Copy}), or null.
     */
    public record Moved(ObjectId source, ObjectId copy, boolean alreadyCopied, ObjectId amendedCopy, boolean forgottenNearLine,
                        boolean held) {
    }

    public List<Moved> move(Duration nearLinePeriod, Instant now) {
        Copier copier = new Copier(nearLine, longTerm);
        var holds = nearLine.holds();
        Set<ObjectId> held = holds.keySet();
        List<Moved> out = new ArrayList<>();
        for (SnapshotRef s : nearLine.snapshots()) {
            if (!s.snapshot().time().isBefore(now.minus(nearLinePeriod))) {
                continue;
            }
            Copier.Copy copy = copier.copyOnce(s);
            boolean isHeld = held.contains(s.id());
            if (isHeld) { // IS.012 6.6.7: the hold follows the data to long-term storage, for every matter (one added since too)
                for (LegalHold.Matter m : holds.get(s.id()).matters()) {
                    longTerm.hold(copy.snapshot(), m.reason(), m.heldBy());
                }
            } else {
                nearLine.backend().delete("snapshots/" + s.id().hex()); // its data goes with the next prune
            }
            out.add(new Moved(s.id(), copy.snapshot().id(), copy.madeBefore(), copy.amendedCopy(), !isHeld, isHeld));
        }
        return out;
    }
}

package org.opsledger.cli.vault;

import org.opsledger.cli.TerminalText;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;

/**
 * Forget's plan as an operator reads it: per source (host and paths) a header, each snapshot with its time and why it
 * stays or goes, the source's count, then the whole plan's. A forget prints it as it removes, so one that ends before its
 * last line (out of heap, a signal) has named what it removed: it printed the plan after the removal and the prune, and
 * one that ran out of heap in its prune printed nothing of the 20,600 snapshots it had removed; 20,000 lines named each
 * snapshot by its ID alone, with no reason for a removal and no total (a helper's).
 */
final class ForgetReport {

    /** The reason shown for a snapshot a policy removes: no rule, hold or retention keeps it. */
    static final String NO_RULE = "no rule keeps it";

    private final boolean dryRun;
    private Forgetter.Group group;
    private final Count source = new Count();
    private final Count all = new Count();

    ForgetReport(boolean dryRun) {
        this.dryRun = dryRun;
    }

    /** How many snapshots a plan, or a source's part of it, decided on, removed, and kept by a hold or a retention date. */
    private static final class Count {
        int snapshots;
        int removed;
        int held;
        int retained;
        int gone;

        void add(ForgetDecision d) {
            snapshots++;
            if (Forgetter.goneMeanwhile(d)) {
                gone++;
            } else if (!d.keep()) {
                removed++;
            }
            held += d.keep() && d.reasons().stream().anyMatch(r -> r.startsWith("legal hold")) ? 1 : 0; // IS.012 6.6.7
            retained += d.keep() && d.reasons().stream().anyMatch(r -> r.startsWith("retain until")) ? 1 : 0; // 6.6.5.1
        }

        void clear() {
            snapshots = removed = held = retained = gone = 0;
        }
    }

    /**
     * A source as its header and warnings name it: its host and paths as the snapshots table shows them, each quoted where it
     * could read as more than one (a backup of /s/a and /s/b and one of the one path "/s/a /s/b" were printed alike: a
     * helper's).
     */
    static String source(Forgetter.Group g) {
        return TerminalText.cell(g.host()) + " " + TerminalText.cells(g.paths());
    }

    /** One decision, under its source's header (printed when the source changes). */
    void add(ForgetDecision d) {
        Forgetter.Group g = Forgetter.groupOf(d.snapshot());
        if (!g.equals(group)) {
            endSource();
            group = g;
            Output.out().println(source(g) + ":");
        }
        boolean gone = Forgetter.goneMeanwhile(d);
        String action = d.keep() ? "keep  " : gone ? "not removed" : dryRun ? "would remove" : "remove"; // as the lines began before
        Output.out().printf(java.util.Locale.ROOT, "%s %s  %s  %s%n", action, d.snapshot().shortId(), SnapshotsCommand.utc(d.snapshot().snapshot().time()),
                d.reasons().isEmpty() ? NO_RULE : String.join(", ", d.reasons()));
        source.add(d);
        all.add(d);
    }

    /** The last source's count and the whole plan's: "would remove 9900 of 20000 snapshot(s); 268 kept by legal holds". */
    void end() {
        endSource();
        Output.out().println(total(all));
    }

    private void endSource() {
        if (group != null && source.snapshots > 0) {
            Output.out().println(source(group) + ": " + total(source));
        }
        source.clear();
    }

    private String total(Count c) {
        return (dryRun ? "would remove " : "removed ") + c.removed + " of " + c.snapshots + " snapshot(s)"
                + (c.held > 0 ? "; " + c.held + " kept by legal holds" : "")
                + (c.retained > 0 ? "; " + c.retained + " kept by retain-until dates" : "")
                + (c.gone > 0 ? "; " + c.gone + " gone meanwhile" : "");
    }
}

package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/** Forget's report, as the operator reads it: what went, and what had gone before the forget came to it. */
class ForgetReportTest {

    /**
     * A named snapshot that an amend replaced between the forget's plan and its deletion is not removed, and its line says
     * by which snapshot (the forget names it): it was counted and shown as removed, its amended record living on.
     */
    @Test
    void aNamedSnapshotReplacedMeanwhileIsNotCountedAsRemoved() {
        SnapshotRef removed = snapshot(1);
        SnapshotRef replaced = snapshot(2);
        String why = "gone meanwhile: replaced by 5e6f7a8b (an amend); name that one";
        String out = printed(report -> {
            report.add(new ForgetDecision(removed, false, List.of("named")));
            report.add(new ForgetDecision(replaced, false, List.of(why)));
            report.end();
        });
        assertThat(out).contains("\nremove " + removed.shortId() + "  ").contains("\nnot removed " + replaced.shortId() + "  ")
                .contains("  " + why + "\n").endsWith("removed 1 of 2 snapshot(s); 1 gone meanwhile\n");
    }

    /**
     * A backup of the two paths /s/a and /s/b and one of the one path "/s/a /s/b" are two sources, each kept by its own
     * --keep-last: their headers were printed alike (a helper's). Each is shown as the snapshots table shows it.
     */
    @Test
    void sourcesWhosePathsWouldPrintAlikeHaveHeadersApart() {
        String out = printed(report -> {
            report.add(new ForgetDecision(snapshot(1, List.of("/s/a", "/s/b")), true, List.of("last 1")));
            report.add(new ForgetDecision(snapshot(2, List.of("/s/a /s/b")), true, List.of("last 1")));
            report.end();
        });
        assertThat(out).startsWith("mail /s/a /s/b:\n").contains("\nmail \"/s/a /s/b\":\n");
    }

    /** What the report printed on stdout. */
    private static String printed(java.util.function.Consumer<ForgetReport> work) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            work.accept(new ForgetReport(false));
            Output.out().flush();
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A snapshot of host mail's /srv, {@code n} hours into 2026, whose ID is {@code n} in each byte. */
    private static SnapshotRef snapshot(int n) {
        return snapshot(n, List.of("/srv"));
    }

    /** A snapshot of host mail's {@code paths}, {@code n} hours into 2026, whose ID is {@code n} in each byte. */
    private static SnapshotRef snapshot(int n, List<String> paths) {
        byte[] id = new byte[32];
        java.util.Arrays.fill(id, (byte) n);
        Snapshot s = new Snapshot(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * n), ObjectId.of(new byte[32]), null,
                paths, "mail", "root", Map.of(), Snapshot.Kind.FULL, null, null, null, "x", "mail", null);
        return new SnapshotRef(ObjectId.of(id), s);
    }
}

package org.opsledger.cli.vault;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Option;

/** A snapshot's record (IS.012 6.6.5.1) as `backup` takes it and `amend` corrects it: owner, classification, retention. */
final class RecordOptions {

    static final List<String> CLASSIFICATIONS = org.opsledger.vault.snapshot.Snapshot.CLASSIFICATIONS;

    @Option(names = "--owner", description = "Data owner (IS.012 6.6.5.1).")
    String owner;

    @Option(names = "--classification", description = "Public, Internal, Confidential or High sensitivity (IS.012 6.6.5.1).")
    String classification;

    @Option(names = "--retain-until", paramLabel = "DATE", description = "Keep at least until this date (YYYY-MM-DD); forget will not remove it before.")
    String retainUntil;

    String owner() {
        if (owner != null && owner.isBlank()) {
            throw new CliException("--owner cannot be blank", 2);
        }
        return oneLine("--owner", owner);
    }

    /**
     * {@code value} of {@code option}, refused (exit 2, as a tag is) if it is more than one line or holds a control
     * character: an owner or a key slot's label with a newline or an ESC was taken, and forged lines in listings (a helper's).
     */
    static String oneLine(String option, String value) {
        if (value != null && !Amendment.oneLine(value)) {
            // not shown: the one line printed of an error ends at its first line break
            throw new CliException(option + " holds a line break or a control character: give it as one line, without control characters", 2);
        }
        return value;
    }

    /** The default of {@code --by}: the OS user, and who logged in where that is another ("root (login op1)", sudo). */
    static final String OS_USER = "${sys:" + org.opsledger.cli.OpsLedgerCommand.BY_DEFAULT + "}";

    /**
     * {@code --by}: who places a hold, decides a decommission or a disposal, makes an amend or a rewrite, without the blanks
     * around it (as {@link #why}). An empty one recorded nobody ("legal hold placed by  for AUD-9": a helper's); IS.012
     * 6.6.5, the record says who.
     */
    static String who(String by) {
        return stripped(stated("--by", by, "name who decided it (IS.012 6.6.5: the record says who)"));
    }

    /**
     * {@code --reason} of a hold, an amend, a rewrite or a decommission: why, one line, without the blanks around it. An empty
     * one was refused after the repository opened, exit 1 and a failed journal entry (hold, amend, rewrite), or before, exit 2
     * (decommission): one rule now, before the repository opens (a docs re-tester's). IS.012 6.6.5: the record says why; and
     * 6.6.7: a hold's reason names its matter, and `hold --reason "legal case 42 "` kept the blank, a matter that
     * `release --reason "legal case 42"` did not name.
     */
    static String why(String reason) {
        return stripped(stated("--reason", reason, "say why (IS.012 6.6.5: the record says why)"));
    }

    /** release's {@code --reason}: the matter a hold was placed for, as {@link #why} took it; null when not given. */
    static String matter(String reason) {
        return stripped(stated("--reason", reason, "name the matter to release, as its hold's reason says, or leave --reason out"));
    }

    /** release's {@code --snapshot-gone}: why a matter on a snapshot gone from the repository is over; null when not given. */
    static String goneWhy(String why) {
        return stripped(stated("--snapshot-gone", why, "say why the matter is over (IS.012 6.6.7: the journal keeps who released it and why)"));
    }

    private static String stripped(String value) {
        return value == null ? null : value.strip();
    }

    /** {@code value} of {@code option}, refused (exit 2) when it is blank, or more than one line ({@link #oneLine}). */
    private static String stated(String option, String value, String remedy) {
        if (value != null && value.isBlank()) {
            throw new CliException(option + " is empty: " + remedy, 2);
        }
        return oneLine(option, value);
    }

    /** The classification as the standard spells it, whatever case it was typed in; null when not given. */
    String classification() {
        if (classification == null) {
            return null;
        }
        return CLASSIFICATIONS.stream().filter(c -> c.equalsIgnoreCase(classification)).findFirst().orElseThrow(() -> new CliException(
                "--classification must be one of " + String.join(", ", CLASSIFICATIONS) + "; got: " + classification, 2));
    }

    /** The longest retention taken, from today: a records schedule's "permanent" is a transfer to an archive, not a backup. */
    static final int MAX_RETENTION_YEARS = 100;

    LocalDate retainUntil() {
        if (retainUntil == null) {
            return null;
        }
        LocalDate until;
        try {
            // four digits of year: LocalDate.parse takes "+999999999-12-31" too, a retention no amend can shorten
            until = retainUntil.matches("\\d{4}-\\d{2}-\\d{2}") ? LocalDate.parse(retainUntil) : null;
        } catch (DateTimeParseException e) {
            until = null;
        }
        if (until == null) {
            throw new CliException("--retain-until must be a date like 2031-12-31, got: " + retainUntil, 2);
        }
        if (until.isAfter(LocalDate.now().plusYears(MAX_RETENTION_YEARS))) { // retention is lengthened, never shortened
            throw new CliException("--retain-until " + until + " is more than " + MAX_RETENTION_YEARS + " years away: a retention is"
                    + " never shortened once set, so a mistyped year would keep the snapshot for good", 2);
        }
        // a mistyped year (2025 for 2035) would store a retention that never protected anything; judged as forget judges
        // it: a date is over once it has ended in every zone (IS.012 6.6.5.1)
        if (org.opsledger.vault.snapshot.Snapshot.retentionEnded(until, java.time.Instant.now())) {
            throw new CliException("--retain-until " + until
                    + " is in the past: forget keeps a snapshot through its retention date, and that one has ended everywhere", 2);
        }
        return until;
    }

    /** Names on stderr what of the IS.012 6.6.5.1 minimum a snapshot's record lacks, and how to give it ({@code remedy}). */
    static void warnIfLacking(SnapshotRef snap, String remedy) {
        List<String> lacks = snap.snapshot().recordLacks();
        if (!lacks.isEmpty()) {
            Output.err().println("warning: the record of snapshot " + snap.shortId() + " lacks " + String.join(", ", lacks)
                    + " (IS.012 6.6.5.1): " + remedy + "`vault amend " + snap.shortId() + "`");
        }
    }

    /**
     * The tags given to {@code option} as NAME=VALUE, in their order. A name given two values is refused: a snapshot
     * carries one value of each tag, and `--tag system=erp --tag system=crm` recorded crm alone, silently, while
     * `snapshots --tag k=1 --tag k=2` selected what carried k=2 (a helper's).
     */
    static Map<String, String> tags(String option, List<String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String g : given) {
            int eq = g.indexOf('=');
            if (eq < 0) {
                throw new CliException(option + " " + TerminalText.escape(g) + ": " + TAG_FORM, 2);
            }
            String name = g.substring(0, eq);
            String before = out.putIfAbsent(name, g.substring(eq + 1));
            if (before != null && !before.equals(g.substring(eq + 1))) {
                throw new CliException(option + " " + TerminalText.escape(name) + " is given two values (" + TerminalText.escape(before)
                        + ", " + TerminalText.escape(g.substring(eq + 1)) + "): a snapshot carries one value of each tag", 2);
            }
        }
        return out;
    }

    private static final String TAG_FORM = "a tag is NAME=VALUE, a name and a value of one line each, without control characters";

    /** {@code tags}, refused if one is a tag the vault writes itself. */
    static Map<String, String> byHand(Map<String, String> tags, String option) {
        tags.forEach((name, value) -> {
            if (name.isBlank() || !Amendment.oneLine(name) || !Amendment.oneLine(value)) {
                throw new CliException(option + " " + TerminalText.escape(name + "=" + value) + ": " + TAG_FORM, 2);
            }
            // a record's tags are a JSON object, and a name that is not UTF-8 (a Latin-1 host's Gr\xf6\xdfe) is no JSON name:
            // the record it made no command could read, and an amend put one in place of a good record (a tester's)
            if (FileNames.hasEscapes(name)) {
                throw new CliException(option + " " + TerminalText.escape(name + "=" + value) + ": a tag's name is UTF-8 text, and"
                        + " this one holds a byte that is not (its value may): give the name in UTF-8", 2);
            }
        });
        for (String name : tags.keySet()) {
            if (Amendment.RESERVED_TAGS.contains(name)) {
                throw new CliException(option + " " + name + " " + Amendment.RESERVED, 2);
            }
        }
        return tags;
    }
}

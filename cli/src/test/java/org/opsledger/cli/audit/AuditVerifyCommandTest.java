package org.opsledger.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.ledger.InMemoryHashStore;
import org.opsledger.ledger.MerkleTree;
import org.opsledger.ledger.TreeHasher;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.SignerKey;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code opsledger audit verify} offline, on an export written exactly as docs/audit-format.md 3
 * says, with checkpoints signed by the ledger library: every way the log can be changed is a
 * non-zero exit with one line naming it.
 */
class AuditVerifyCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ORIGIN = "opsledger/cli-test";

    @TempDir
    Path tmp;

    private final SignerKey signer = SignerKey.generate(ORIGIN);
    private final List<String> entries = new ArrayList<>();
    private MerkleTree tree;
    private Path key;
    private Path atFive;
    private Path atTen;

    @BeforeEach
    void log() throws Exception {
        tree = MerkleTree.create(new InMemoryHashStore());
        for (int i = 0; i < 10; i++) {
            // canonical entries (keys sorted, no whitespace), one with text outside ASCII
            String entry = "{\"access\":\"update\",\"action\":\"change.approve\",\"actor\":\"" + (i == 4 ? "zoë" : "ann")
                    + "\",\"objectId\":\"CR-" + i + "\",\"outcome\":\"success\",\"privileged\":false,"
                    + "\"time\":\"2026-11-23T10:00:0" + i + ".000000Z\",\"v\":1}";
            entries.add(entry);
            tree.append(entry.getBytes(StandardCharsets.UTF_8));
            if (i == 4) {
                atFive = Files.writeString(tmp.resolve("checkpoint-5"), sign(5));
            }
        }
        atTen = Files.writeString(tmp.resolve("checkpoint-10"), sign(10));
        key = Files.writeString(tmp.resolve("log.key"), signer.verifierKey().encoded() + "\n");
    }

    @Test
    void anUntouchedExportVerifiesAgainstEveryCheckpointHeld() throws Exception {
        CliRun run = verify(export(entries, -1), atFive, atTen);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("ok: 10 entries verified against " + ORIGIN + " at size 10");
    }

    @Test
    void anAlteredEntryIsNamedByIndexAndTableId() throws Exception {
        List<String> altered = new ArrayList<>(entries);
        altered.set(6, altered.get(6).replace("change.approve", "change.reject"));
        CliRun run = verify(export(altered, -1), atTen);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("opsledger: entry 6 (audit entry id 106) was altered");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void deletedNewestEntriesAreTruncation() throws Exception {
        CliRun run = verify(export(entries.subList(0, 7), -1), atFive, atTen);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("opsledger: truncated: the log is shorter than a checkpoint you hold (7 entries,");
    }

    @Test
    void aDeletedEntryInTheMiddleIsNamed() throws Exception {
        CliRun run = verify(export(entries, 3), atTen);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("opsledger: entry 3 is missing");
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRejected() throws Exception {
        SignerKey impostor = SignerKey.generate(ORIGIN);
        Path forged = Files.writeString(tmp.resolve("forged"),
                new Checkpoint(ORIGIN, 10, tree.rootAt(10)).sign(impostor));
        CliRun run = verify(export(entries, -1), forged);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("opsledger: checkpoint #0 rejected");
    }

    @Test
    void aRewrittenHistoryWithFreshLeafHashesStillFailsTheSignedRoot() throws Exception {
        // The superuser also recomputes the stored leaf hash: only the signed root catches it.
        List<String> altered = new ArrayList<>(entries);
        altered.set(2, altered.get(2).replace("ann", "eve"));
        CliRun run = verify(export(altered, -1, true), atFive);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("opsledger: root mismatch: the first 5 entries hash to");
    }

    @Test
    void aLineThatIsNotTheDocumentedFormatIsNamedByItsLineNumber() throws Exception {
        Path export = export(entries, -1);
        List<String> lines = new ArrayList<>(Files.readAllLines(export));
        lines.set(3, lines.get(3).substring(0, 40)); // cut short, as by a broken download
        Files.write(export, lines);
        CliRun run = verify(export, atTen);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("opsledger: export line 4 is malformed");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void exactlyOneSourceAndOnlyPostgresql() {
        CliRun neither = CliRun.of("audit", "verify", "--checkpoint", atTen.toString(), "--key", key.toString());
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(neither.err()).isEqualTo("opsledger: give either --export FILE or --db-url URL\n");
        CliRun mysql = CliRun.of("audit", "verify", "--db-url", "jdbc:mysql://db/ops", "--checkpoint", atTen.toString(),
                "--key", key.toString());
        assertThat(mysql.exit()).isEqualTo(2);
        assertThat(mysql.err()).startsWith("opsledger: --db-url must be a PostgreSQL JDBC URL");
    }

    @Test
    void missingFilesAndBadKeysAreOneLine() throws Exception {
        CliRun missing = CliRun.of("audit", "verify", "--export", tmp.resolve("nope").toString(),
                "--checkpoint", atTen.toString(), "--key", key.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("opsledger: cannot read " + tmp.resolve("nope") + ": no such file\n");
        Path badKey = Files.writeString(tmp.resolve("bad.key"), "not a key\n");
        CliRun bad = verifyWithKey(export(entries, -1), badKey, atTen);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines()).hasSize(1);
    }

    // --- helpers

    private String sign(long size) {
        return new Checkpoint(ORIGIN, size, tree.rootAt(size)).sign(signer);
    }

    private Path export(List<String> lines, int skip) throws Exception {
        return export(lines, skip, false);
    }

    /** Export lines as the server writes them: index, table id, stored leaf hash, the entry as a JSON string. */
    private Path export(List<String> lines, int skip, boolean rehash) throws Exception {
        TreeHasher hasher = new TreeHasher();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i == skip) {
                continue;
            }
            String stored = rehash ? lines.get(i) : entries.get(i);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("index", i);
            line.put("id", 100 + i);
            line.put("leafHash", hasher.leafHash(stored.getBytes(StandardCharsets.UTF_8)).base64());
            line.put("entry", lines.get(i));
            out.append(JSON.writeValueAsString(line)).append('\n');
        }
        return Files.writeString(tmp.resolve("export-" + System.nanoTime() + ".jsonl"), out.toString(), StandardCharsets.UTF_8);
    }

    private CliRun verify(Path export, Path... checkpoints) {
        return verifyWithKey(export, key, checkpoints);
    }

    private CliRun verifyWithKey(Path export, Path keyFile, Path... checkpoints) {
        List<String> args = new ArrayList<>(List.of("audit", "verify", "--export", export.toString(), "--key", keyFile.toString()));
        for (Path checkpoint : checkpoints) {
            args.add("--checkpoint");
            args.add(checkpoint.toString());
        }
        return CliRun.of(args.toArray(String[]::new));
    }
}

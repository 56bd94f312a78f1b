package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Tree;
import tools.jackson.databind.JsonNode;

/**
 * Two names that differ in a byte that is not UTF-8 (caf\xe9, caf\xe8, Latin-1) are two names wherever one is shown: ls,
 * find, diff, check, restore and dump showed each such byte as U+FFFD in text, and --json as U+FFFD only, so a script could
 * not tell them apart nor restore the one it was shown. Text shows the byte as \xHH and a backslash of a name as \\ (the
 * name caf\xe9 written with a backslash is a third name); JSON adds the name's bytes in base64 beside it.
 */
class NamesShownExactlyTest {

    @TempDir
    Path tmp;
    Path repo;
    Path pw;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(Files.createDirectories(FileNames.resolve(data, "caf\uDCE9")).resolve("f"), "e9");
        Files.writeString(Files.createDirectories(FileNames.resolve(data, "caf\uDCE8")).resolve("f"), "e8");
        Files.writeString(data.resolve("caf\\xe9"), "a backslash, then xe9");
        Files.createSymbolicLink(data.resolve("ln"), FileNames.pathOf("caf\uDCE9/f"));
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
    }

    private CliRun vault(String... args) {
        List<String> all = new ArrayList<>(List.of("vault", args[0], "--repo", repo.toString(), "--password-file", pw.toString()));
        all.addAll(List.of(args).subList(1, args.length));
        return CliRun.of(all.toArray(String[]::new));
    }

    private String backup() {
        CliRun backup = vault("backup", data.toString(), "--allow-same-device");
        assertThat(backup.exit()).as(backup.err()).isZero();
        return backup.out().substring(backup.out().indexOf("snapshot ") + 9).substring(0, 8);
    }

    @Test
    void textShowsEachNameByItsBytesAndABackslashDoubled() throws Exception {
        String first = backup();
        Files.delete(FileNames.resolve(data, "caf\uDCE8").resolve("f"));
        Files.delete(FileNames.resolve(data, "caf\uDCE8"));
        Files.writeString(FileNames.resolve(data, "caf\uDCE9").resolve("f"), "e9, again");
        String second = backup();

        CliRun ls = vault("ls", second);
        assertThat(ls.out()).contains("/data/caf\\xe9/f", "/data/caf\\\\xe9", "/data/ln -> caf\\xe9/f").doesNotContain("\uFFFD");
        assertThat(vault("ls", first).out()).contains("/data/caf\\xe8/f");
        assertThat(vault("find", "caf*").out()).contains("  /data/caf\\xe9\n", "  /data/caf\\xe8\n", "  /data/caf\\\\xe9\n")
                .doesNotContain("\uFFFD");
        assertThat(vault("diff", first, second).out()).contains("-    /data/caf\\xe8\n", "-    /data/caf\\xe8/f\n", "M    /data/caf\\xe9/f\n")
                .doesNotContain("\uFFFD");

        // a forged tree holding caf\xe9 twice: check names it, restore and dump refuse it, each by its bytes
        String forged;
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            var s = r.snapshots().getLast();
            var dir = r.loadTree(s.snapshot().tree()).nodes().getFirst();
            var named = r.loadTree(dir.subtree()).nodes().stream().filter(n -> "caf\uDCE9".equals(n.name())).findFirst().orElseThrow();
            var twice = r.saveTree(new Tree(List.of(named, named)));
            var top = r.saveTree(new Tree(List.of(dir.withSubtree(twice))));
            r.flush();
            forged = r.saveSnapshot(s.snapshot().withTree(top)).shortHex();
        }
        CliRun check = vault("check");
        assertThat(check.out()).contains("error: snapshot " + forged + " /data/caf\\xe9: ").doesNotContain("\uFFFD");
        CliRun restore = vault("restore", forged, "--target", tmp.resolve("r").toString());
        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).contains("data/caf\\xe9: ").doesNotContain("\uFFFD");
        CliRun dump = vault("dump", forged, "data", "--output", tmp.resolve("d.tar").toString());
        assertThat(dump.exit()).isEqualTo(1);
        assertThat(dump.err()).contains("refused the name caf\\xe9, twice under ").doesNotContain("\uFFFD");
    }

    @Test
    void jsonGivesTheBytesOfANameThatIsNotUtf8AndRestoreTakesThemBack() throws Exception {
        backup();
        CliRun alone = vault("backup", data + "/caf\uDCE9", "--allow-same-device"); // a source whose path is not UTF-8
        assertThat(alone.exit()).as(alone.err()).isZero();

        JsonNode ls = VaultJson.MAPPER.readTree(vault("ls", "--path", data.toString(), "latest", "--json").out());
        Set<String> shown = new java.util.HashSet<>();
        List<byte[]> dirs = new ArrayList<>();
        for (JsonNode row : ls) {
            String path = row.get("path").asString();
            if (path.endsWith("/caf\uFFFD")) { // as before: the field a script read keeps its text
                dirs.add(Base64.getDecoder().decode(row.get("pathBytes").asString()));
            }
            if (path.endsWith("/caf\\xe9") || path.endsWith("/f") && !path.contains("\uFFFD")) {
                assertThat(row.has("pathBytes")).as(path + ": UTF-8, no bytes beside it").isFalse();
            }
            if (path.equals("/data/ln")) {
                assertThat(new String(Base64.getDecoder().decode(row.get("linkTargetBytes").asString()), StandardCharsets.ISO_8859_1))
                        .isEqualTo("caf\u00e9/f");
            }
            shown.add(path);
        }
        assertThat(dirs.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("/data/caf\u00e9", "/data/caf\u00e8");

        JsonNode find = VaultJson.MAPPER.readTree(vault("find", "caf?", "--json").out());
        assertThat(find.valueStream().filter(h -> h.has("pathBytes")).map(h -> new String(Base64.getDecoder().decode(h.get("pathBytes")
                .asString()), StandardCharsets.ISO_8859_1)).collect(Collectors.toSet())).contains("/data/caf\u00e9", "/data/caf\u00e8");
        JsonNode snapshots = VaultJson.MAPPER.readTree(vault("snapshots", "--json").out());
        assertThat(snapshots.valueStream().map(s -> s.get("record")).filter(r -> r.has("pathsBytes"))
                .map(r -> new String(Base64.getDecoder().decode(r.get("pathsBytes").get(0).asString()), StandardCharsets.ISO_8859_1)))
                .containsExactly(data + "/caf\u00e9");

        // the bytes a script got back name that one file to restore, given as they are (a shell gives them so too)
        byte[] e8 = dirs.stream().filter(b -> b[b.length - 1] == (byte) 0xe8).findFirst().orElseThrow();
        Path target = tmp.resolve("restored");
        CliRun restore = vault("restore", "latest", "--path", data.toString(), "--target", target.toString(), "--include",
                FileNames.decode(e8) + "/f");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(Files.readString(FileNames.resolve(target.resolve("data"), "caf\uDCE8").resolve("f"))).isEqualTo("e8");
        assertThat(Files.exists(FileNames.resolve(target.resolve("data"), "caf\uDCE9"))).isFalse();
    }

    /**
     * The CLI's own lines doubled no backslash of a value they quote, so that find's refusal of 'sub\x1b/r' (a backslash,
     * then x1b) read as that of the pattern holding ESC, and a restore into /…/t\x41 (a backslash, then x41) as one into
     * /…/tA; a value is escaped where a line puts it in, as ls shows a name.
     */
    @Test
    void aBackslashOfAValueAMessageQuotesIsShownDoubled() throws Exception {
        backup();
        CliRun literal = vault("find", "sub\\x1b/r");
        CliRun control = vault("find", "sub\u001b/r");
        assertThat(literal.exit()).isEqualTo(2);
        assertThat(literal.err()).contains(" and sub\\\\x1b/r holds a '/'");
        assertThat(literal.err()).isNotEqualTo(control.err());

        Path target = tmp.resolve("t\\x41");
        CliRun restore = vault("restore", "latest", "--target", target.toString(), "--include", "data/caf\\xe9");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains(" to " + tmp + "/t\\\\x41 in ");
        assertThat(Files.readString(target.resolve("data/caf\\xe9"))).isEqualTo("a backslash, then xe9");
    }

    /**
     * A restore's journal entry names its target by its bytes, as its summary does: one into t-caf\xe9 was kept as
     * t-caf\uFFFD, as one into t-caf\xe8 would be.
     */
    @Test
    void aRestoresEntryNamesItsTargetByItsBytes() throws Exception {
        backup();
        Path target = FileNames.resolve(tmp, "t-caf\uDCE9");
        CliRun restore = vault("restore", "latest", "--target", FileNames.exactOf(target), "--include", "data/caf\\xe9");
        assertThat(restore.exit()).as(restore.err()).isZero();
        JsonNode entry = VaultJson.MAPPER.readTree(vault("journal", "--operation", "restore", "--json").out()).get("entries").get(0);
        assertThat(entry.has("pathsBytes")).as(entry.toString()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(entry.get("pathsBytes").get(0).asString()), StandardCharsets.ISO_8859_1))
                .isEqualTo(tmp + "/t-caf\u00e9");
    }

    /**
     * A tag's name that is not UTF-8 (a Latin-1 host's `--tag Gr\xf6sse=1`) is refused, exit 2, as a control character is:
     * the record it made no command could read (restore, due, forget), and `amend --add-tag` put one in place of a good
     * record, exit 0 (a tester's). A value that is not UTF-8 is kept, by its bytes.
     */
    @Test
    void aTagNameThatIsNotUtf8IsRefusedAndTheRecordStaysReadable() throws Exception {
        String good = backup();
        String refusal = ": a tag's name is UTF-8 text, and this one holds a byte that is not (its value may): give the name in UTF-8\n";
        CliRun tagged = vault("backup", data.toString(), "--allow-same-device", "--tag", "Gr\uDCF6sse=1");
        assertThat(tagged.exit()).isEqualTo(2);
        assertThat(tagged.err()).isEqualTo("opsledger: --tag Gr\\xf6sse=1" + refusal);
        CliRun amended = vault("amend", good, "--add-tag", "Gr\uDCF6sse=2", "--reason", "inventory tag");
        assertThat(amended.exit()).isEqualTo(2);
        assertThat(amended.err()).isEqualTo("opsledger: --add-tag Gr\\xf6sse=2" + refusal);

        JsonNode snapshots = VaultJson.MAPPER.readTree(vault("snapshots", "--json").out());
        assertThat(snapshots.size()).isEqualTo(1);
        assertThat(snapshots.get(0).get("id").asString()).startsWith(good);
        assertThat(vault("due", "--json").exit()).isZero();
        CliRun value = vault("amend", good, "--add-tag", "site=caf\uDCE9", "--reason", "a Latin-1 value");
        assertThat(value.exit()).as(value.err()).isZero();
        assertThat(vault("restore", "latest", "--target", tmp.resolve("t").toString(), "--include", "data/caf\\xe9").exit()).isZero();
    }

    /**
     * --json gives the bytes of a tag's value that is not UTF-8 in a map beside the tags, by the same names: a sibling
     * inside them ({@code "siteBytes"}) read as a second tag, and a real tag of that name was overwritten (a tester's).
     */
    @Test
    void theBytesOfATagsValueAreBesideTheTagsNotAmongThem() throws Exception {
        CliRun backup = vault("backup", data.toString(), "--allow-same-device", "--tag", "site=caf\uDCE9", "--tag",
                "siteBytes=ticket-42", "--json");
        assertThat(backup.exit()).as(backup.err()).isZero();
        JsonNode fromBackup = VaultJson.MAPPER.readTree(backup.out()).get("record");
        JsonNode fromListing = VaultJson.MAPPER.readTree(vault("snapshots", "--json").out()).get(0).get("record");
        for (JsonNode record : List.of(fromBackup, fromListing)) {
            assertThat(record.get("tags").propertyNames()).as(record.toString()).containsExactlyInAnyOrder("site", "siteBytes");
            assertThat(record.get("tags").get("siteBytes").asString()).isEqualTo("ticket-42");
            assertThat(record.get("tags").get("site").asString()).isEqualTo("caf\uFFFD");
            assertThat(record.get("tagsBytes").propertyNames()).containsExactly("site");
            assertThat(new String(Base64.getDecoder().decode(record.get("tagsBytes").get("site").asString()),
                    StandardCharsets.ISO_8859_1)).isEqualTo("caf\u00e9");
        }
    }
}

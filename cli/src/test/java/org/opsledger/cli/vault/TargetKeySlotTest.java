package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import tools.jackson.databind.JsonNode;

/**
 * A copy's or tier's target held one key slot per administrator (IS.012's separation of duties) and had no way to name
 * the one to try, as --key-slot names --repo's: a local target, which no cache remembers, had its slots tried in turn
 * on every run (a key derivation each), was locked out past 32 planted ones, and past 8 was told to set
 * OPSLEDGER_VAULT_KEY_SLOT, --repo's variable, with which the source then refused to open. `--to-key-slot` or
 * OPSLEDGER_VAULT_TO_KEY_SLOT names the target's: that slot alone is read and tried, refused as --key-slot's is, in
 * the target's words. dispose's --copies-in and init's --copy-chunker-params-from had no such option at all: theirs are
 * --copies-key-slot (OPSLEDGER_VAULT_TO_KEY_SLOT, as their copies came from a copy's or tier's target) and --from-key-slot
 * (OPSLEDGER_VAULT_FROM_KEY_SLOT), taken and refused as --to-key-slot, from the one declaration of the three
 * ({@link SecondRepositoryOptions}).
 */
class TargetKeySlotTest {

    @TempDir
    Path tmp;

    private Path target;
    private Path admin3;
    private String admin1Slot;
    private String admin3Slot;
    private List<String> at;

    private CliRun vault(String... args) {
        return CliRun.vault(at, args);
    }

    private static CliRun at(Path repo, Path password, String... args) {
        return CliRun.vault(List.of("--repo", repo.toString(), "--password-file", password.toString()), args);
    }

    /** A source with one snapshot; a target whose slots are admin1's, admin2's and admin3's, admin3's tried last. */
    @BeforeEach
    void setUp() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        at = List.of("--repo", tmp.resolve("near").toString(), "--password-file", pw.toString());
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("report.txt"), "quarterly numbers\n");
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();

        target = tmp.resolve("far");
        Path admin1 = Files.writeString(tmp.resolve("admin1"), "admin one\n");
        assertThat(at(target, admin1, "init", "--kdf-iterations", "100000", "--label", "admin1").exit()).isZero();
        for (String admin : List.of("admin2", "admin3")) { // tried cheapest first: admin1's, admin2's, then admin3's
            Path password = Files.writeString(tmp.resolve(admin), admin + "'s password\n");
            assertThat(at(target, admin1, "key", "add", "--new-password-file", password.toString(), "--label", admin,
                    "--kdf-iterations", admin.equals("admin2") ? "150000" : "200000").exit()).isZero();
        }
        admin3 = tmp.resolve("admin3");
        for (JsonNode slot : VaultJson.MAPPER.readTree(at(target, admin1, "key", "list", "--json").out())) {
            switch (slot.get("label").asString()) {
                case "admin1" -> admin1Slot = slot.get("id").asString();
                case "admin3" -> admin3Slot = slot.get("id").asString();
                default -> { }
            }
        }
    }

    /** Copies of admin1's slot under other names, with fresh salts: as anyone able to write to the store may plant them. */
    private void plant(int count) throws Exception {
        String real = Files.readString(target.resolve("keys").resolve(admin1Slot));
        for (int i = 0; i < count; i++) {
            Files.writeString(target.resolve("keys").resolve(String.format("%032x", i)), real.replaceFirst("\"salt\":\"[^\"]*\"",
                    "\"salt\":\"" + java.util.Base64.getEncoder().encodeToString(String.format("planted salt %04d", i)
                            .getBytes(StandardCharsets.UTF_8)) + "\""));
        }
    }

    /** The key slot (short ID) the target's newest entry of {@code operation} names. */
    private String targetEntrySlot(String operation) {
        JsonNode entries = VaultJson.MAPPER.readTree(at(target, admin3, "journal", "--operation", operation, "--json",
                "--key-slot", admin3Slot).out()).get("entries");
        return entries.get(entries.size() - 1).get("keySlot").get("id").asString();
    }

    /** Every file under the target with its size and time: what a refused command must leave as it was. */
    private Map<Path, String> targetFiles() throws Exception {
        try (Stream<Path> files = Files.walk(target)) {
            return files.filter(Files::isRegularFile).collect(java.util.stream.Collectors.toMap(f -> f, f -> {
                try {
                    return Files.size(f) + " " + Files.getLastModifiedTime(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
    }

    @Test
    void aCopyOrTierTriesTheTargetsSlotNamedAloneAndItsJournalNamesIt() throws Exception {
        // without it the slots are tried in turn: it works, at a key derivation each
        CliRun each = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString());
        assertThat(each.exit()).as(each.err()).isZero();
        assertThat(targetEntrySlot("copy")).isEqualTo(admin3Slot.substring(0, 8));

        // 10 planted slots tried before admin3's: the warning names the target's variable, not --repo's
        plant(10);
        CliRun warned = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString());
        assertThat(warned.exit()).as(warned.err()).isZero();
        assertThat(warned.err()).contains("12 key slots of " + target + " were tried before " + admin3Slot.substring(0, 8) + " opened")
                .contains(" alone: OPSLEDGER_VAULT_TO_KEY_SLOT=" + admin3Slot + " (or --to-key-slot)").hasLineCount(1);
        CliRun named = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString(),
                "--to-key-slot", admin3Slot);
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.err()).isEmpty();

        // 32 planted: no slot past them is tried, and only the one named opens the target, for a copy and a tier
        plant(32);
        Map<Path, String> before = targetFiles();
        CliRun locked = vault("tier", "--to", target.toString(), "--to-password-file", admin3.toString(), "--near-line", "0d");
        assertThat(locked.exit()).isEqualTo(1);
        assertThat(locked.err()).startsWith("opsledger: none of the 32 key slots of " + target + " tried (cheapest first)")
                .contains("or name the slot of this password (--to-key-slot or OPSLEDGER_VAULT_TO_KEY_SLOT ID)").hasLineCount(1);
        assertThat(targetFiles()).isEqualTo(before);
        CliRun tier = vault("tier", "--to", target.toString(), "--to-password-file", admin3.toString(), "--near-line", "0d",
                "--to-key-slot", admin3Slot.substring(0, 8));
        assertThat(tier.exit()).as(tier.err()).isZero();
        assertThat(targetEntrySlot("tier")).isEqualTo(admin3Slot.substring(0, 8));
        JsonNode near = VaultJson.MAPPER.readTree(vault("journal", "--operation", "tier", "--json").out()).get("entries");
        assertThat(near.get(near.size() - 1).get("keySlot").get("label").asString()).as("the source's entry: its own slot").isEqualTo("initial");
    }

    @Test
    void theTargetsSlotIsNamedByItsVariableAndRefusedInItsOwnWords() throws Exception {
        plant(32);
        Map<Path, String> before = targetFiles();
        CliRun unknown = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString(), "--to-key-slot", "feedface");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("opsledger: no key slot feedface in the keys/ of " + target + " (named by --to-key-slot or"
                + " OPSLEDGER_VAULT_TO_KEY_SLOT): give the ID of a slot there (its whole ID, or a prefix of at least 4 hex digits), or unset it\n");
        CliRun another = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString(), "--to-key-slot", admin1Slot);
        assertThat(another.exit()).isEqualTo(1);
        assertThat(another.err()).isEqualTo("opsledger: wrong password: key slot " + admin1Slot + " of " + target + ", named by --to-key-slot"
                + " or OPSLEDGER_VAULT_TO_KEY_SLOT, does not open with it: check the password, or the slot named (unset, every slot is tried)\n");
        CliRun sourcesSlot = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString(), "--key-slot", admin3Slot);
        assertThat(sourcesSlot.exit()).as("--key-slot is --repo's").isEqualTo(1);
        assertThat(sourcesSlot.err()).startsWith("opsledger: no key slot " + admin3Slot + " in the keys/ of " + tmp.resolve("near")
                + " (named by --key-slot or OPSLEDGER_VAULT_KEY_SLOT)");
        assertThat(targetFiles()).as("nothing written in the target").isEqualTo(before);

        Path err = tmp.resolve("copy.err");
        Process copy = process(Map.of("OPSLEDGER_VAULT_TO_KEY_SLOT", admin3Slot), err, "copy", "latest", "--to", target.toString(),
                "--to-password-file", admin3.toString());
        String said = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(copy.waitFor()).as(said + Files.readString(err)).isZero();
        assertThat(said).startsWith("copied snapshot ");
        assertThat(Files.readString(err)).doesNotContain("opsledger:"); // the JVM's own warnings aside
        assertThat(targetEntrySlot("copy")).isEqualTo(admin3Slot.substring(0, 8));
    }

    @Test
    void aDisposeTriesTheSlotOfCopiesInNamedAloneAndRefusesAnotherInItsOwnWords() throws Exception {
        CliRun copy = vault("copy", "latest", "--to", target.toString(), "--to-password-file", admin3.toString(), "--to-key-slot", admin3Slot);
        assertThat(copy.exit()).as(copy.err()).isZero(); // the copy that keeps what the source retains
        String id = VaultJson.MAPPER.readTree(vault("stats", "--json").out()).get("id").asString();
        Map<Path, String> before = targetFiles();

        // no password of its own: --repo's is tried, and said so, as a copy's target says it
        CliRun repoPassword = vault("dispose", "--confirm", id, "--copies-in", target.toString());
        assertThat(repoPassword.exit()).isEqualTo(1);
        assertThat(repoPassword.err()).isEqualTo("opsledger: wrong password: no key slot of " + target + " opens with it; the password of"
                + " --repo was tried, as neither --copies-password-file nor OPSLEDGER_VAULT_TO_PASSWORD was given: give"
                + " --copies-password-file with --copies-in's password\n");

        // 32 planted slots, cheaper than admin3's: unnamed, they lock the dispose out; named, admin3's alone is tried and opens
        plant(32);
        before = targetFiles();
        CliRun locked = vault("dispose", "--confirm", id, "--copies-in", target.toString(), "--copies-password-file", admin3.toString());
        assertThat(locked.exit()).isEqualTo(1);
        assertThat(locked.err()).startsWith("opsledger: none of the 32 key slots of " + target + " tried (cheapest first)")
                .contains("or name the slot of this password (--copies-key-slot or OPSLEDGER_VAULT_TO_KEY_SLOT ID)").hasLineCount(1);
        CliRun another = vault("dispose", "--confirm", id, "--copies-in", target.toString(), "--copies-password-file", admin3.toString(),
                "--copies-key-slot", admin1Slot);
        assertThat(another.exit()).isEqualTo(1);
        assertThat(another.err()).isEqualTo("opsledger: wrong password: key slot " + admin1Slot + " of " + target + ", named by"
                + " --copies-key-slot or OPSLEDGER_VAULT_TO_KEY_SLOT, does not open with it: check the password, or the slot named"
                + " (unset, every slot is tried)\n");
        assertThat(targetFiles()).as("nothing written where the copies are").isEqualTo(before);
        assertThat(vault("snapshots", "--json").exit()).as("nothing disposed of").isZero();

        CliRun disposed = vault("dispose", "--confirm", id, "--copies-in", target.toString(), "--copies-password-file", admin3.toString(),
                "--copies-key-slot", admin3Slot.substring(0, 8));
        assertThat(disposed.exit()).as(disposed.err()).isZero();
        assertThat(disposed.err()).isEmpty();
        assertThat(disposed.out()).startsWith("disposed of repository " + id);
        assertThat(targetEntrySlot("dispose")).as("the record of the disposal, written under the slot named").isEqualTo(admin3Slot.substring(0, 8));
    }

    @Test
    void anInitTriesTheSlotOfItsChunkerSourceNamedAloneByOptionOrVariable() throws Exception {
        plant(32);
        Map<Path, String> before = targetFiles();
        Path created = tmp.resolve("new");
        Path pw = tmp.resolve("pw");
        List<String> init = List.of("init", "--repo", created.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000",
                "--copy-chunker-params-from", target.toString(), "--from-password-file", admin3.toString());
        CliRun locked = CliRun.vault(init);
        assertThat(locked.exit()).isEqualTo(1);
        assertThat(locked.err()).startsWith("opsledger: none of the 32 key slots of " + target + " tried (cheapest first)")
                .contains("or name the slot of this password (--from-key-slot or OPSLEDGER_VAULT_FROM_KEY_SLOT ID)").hasLineCount(1);
        CliRun unknown = CliRun.vault(List.of("--from-key-slot", "feedface"), init.toArray(String[]::new));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("opsledger: no key slot feedface in the keys/ of " + target + " (named by --from-key-slot or"
                + " OPSLEDGER_VAULT_FROM_KEY_SLOT): give the ID of a slot there (its whole ID, or a prefix of at least 4 hex digits), or unset it\n");
        CliRun another = CliRun.vault(List.of("--from-key-slot", admin1Slot), init.toArray(String[]::new));
        assertThat(another.exit()).isEqualTo(1);
        assertThat(another.err()).isEqualTo("opsledger: wrong password: key slot " + admin1Slot + " of " + target + ", named by"
                + " --from-key-slot or OPSLEDGER_VAULT_FROM_KEY_SLOT, does not open with it: check the password, or the slot named"
                + " (unset, every slot is tried)\n");
        assertThat(created).as("no repository half-made").doesNotExist();
        assertThat(targetFiles()).isEqualTo(before);

        Path err = tmp.resolve("init.err");
        Process named = processOf(Map.of("OPSLEDGER_VAULT_FROM_KEY_SLOT", admin3Slot), err, init);
        String said = new String(named.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(named.waitFor()).as(said + Files.readString(err)).isZero();
        assertThat(said).startsWith("created vault repository ");
        assertThat(Files.readString(err)).doesNotContain("opsledger:");
        JsonNode entries = VaultJson.MAPPER.readTree(at(created, pw, "journal", "--operation", "init", "--json").out()).get("entries");
        assertThat(entries.get(0).get("detail").asString()).endsWith("; chunker parameters shared with " + target);
    }

    @Test
    void everyCommandThatOpensASecondRepositoryNamesItsSlotInTheSameWords() {
        Map<String, String> said = Map.of(
                "copy", "--to-key-slot=ID Try only this key slot of the target (its ID, or a prefix of at least 4 hex digits only it"
                        + " has; env OPSLEDGER_VAULT_TO_KEY_SLOT), as --key-slot for --repo.",
                "tier", "--to-key-slot=ID Try only this key slot of the target (its ID, or a prefix of at least 4 hex digits only it"
                        + " has; env OPSLEDGER_VAULT_TO_KEY_SLOT), as --key-slot for --repo.",
                "dispose", "--copies-key-slot=ID Try only this key slot of --copies-in (its ID, or a prefix of at least 4 hex digits"
                        + " only it has; env OPSLEDGER_VAULT_TO_KEY_SLOT), as --key-slot for --repo.",
                "init", "--from-key-slot=ID Try only this key slot of --copy-chunker-params-from (its ID, or a prefix of at least 4 hex"
                        + " digits only it has; env OPSLEDGER_VAULT_FROM_KEY_SLOT), as --key-slot for --repo.");
        said.forEach((command, line) -> {
            CliRun help = CliRun.of("vault", command, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out().replaceAll("\\s+", " ")).as(command).contains(line);
        });
    }

    /** A vault command on the source in a JVM of its own, with {@code env} added to its environment, its stderr written to {@code err}. */
    private Process process(Map<String, String> env, Path err, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(at);
        return processOf(env, err, all);
    }

    /** {@link #process} with the repository named in {@code args}. */
    private static Process processOf(Map<String, String> env, Path err, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }
}

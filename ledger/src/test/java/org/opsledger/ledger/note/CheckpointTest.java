package org.opsledger.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.note.NoteRejectedException.Reason;

class CheckpointTest {

    static final String ORIGIN = "opsledger.example/audit";
    final SignerKey key = SignerKey.generate(ORIGIN);
    final Hash root = Hash.fromHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    @Test
    void parsesTheExampleBodyOfTheTlogCheckpointSpec() throws Exception {
        // c2sp.org/tlog-checkpoint, the example at the top of the specification.
        Checkpoint example = Checkpoint.parseBody(
                "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        assertThat(example.origin()).isEqualTo("example.com/behind-the-sofa");
        assertThat(example.size()).isEqualTo(20852163L);
        assertThat(example.rootHash().base64()).isEqualTo("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
        assertThat(example.extensions()).isEmpty();
    }

    @Test
    void opensATreeHeadSignedByTheGoChecksumDatabase() throws Exception {
        // A signed tree head served by sum.golang.org (same checkpoint and note format, signed by
        // Google's production key), with the GOSUMDB verifier key built into the go command.
        // Its origin differs from its key name, so the origin is given explicitly.
        VerifierKey sumGolangOrg = VerifierKey.parse("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8");
        String treeHead = "go.sum database tree\n63096908\n8lHrQPRYe4KT4WQ9/Qk8/taKnD6IRHbFgfN7vQE2Y54=\n\n"
                + "\u2014 sum.golang.org Az3gri/oVBN1jAhNZ/iS+W31psFAWRT20/GyrhpU6taFwulQGetBkH5S7wpGXdS935jiIGiUUAXBVHzT/P6fYhqAmAk=\n";
        Checkpoint checkpoint = Checkpoint.open(treeHead, List.of(sumGolangOrg), "go.sum database tree");
        assertThat(checkpoint.size()).isEqualTo(63096908L);
        assertThat(checkpoint.rootHash().hex()).isEqualTo("f251eb40f4587b8293e1643dfd093cfed68a9c3e884476c581f37bbd0136639e");
        assertThatThrownBy(() -> Checkpoint.open(treeHead.replace("63096908", "63096909"), List.of(sumGolangOrg),
                "go.sum database tree"))
                .isInstanceOfSatisfying(NoteRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }

    @Test
    void signedCheckpointHasTheSpecifiedLayoutAndOpensBack() throws Exception {
        Checkpoint checkpoint = new Checkpoint(ORIGIN, 8, root);
        String note = checkpoint.sign(key);
        assertThat(note).startsWith(ORIGIN + "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n\u2014 " + ORIGIN + " ");
        assertThat(note).endsWith("\n").hasLineCount(5);
        String signatureLine = note.lines().toList().get(4);
        byte[] idAndSignature = java.util.Base64.getDecoder().decode(signatureLine.substring(signatureLine.lastIndexOf(' ') + 1));
        assertThat(idAndSignature).hasSize(4 + 64);
        assertThat(Checkpoint.open(note, key.verifierKey())).isEqualTo(checkpoint);
    }

    @Test
    void extensionLinesAreSignedAndKept() throws Exception {
        Checkpoint checkpoint = new Checkpoint(ORIGIN, 0, root, List.of("time 1700000000"));
        assertThat(Checkpoint.open(checkpoint.sign(key), key.verifierKey())).isEqualTo(checkpoint);
    }

    @Test
    void checkpointSignedByAnotherKeyIsRejected() {
        SignerKey impostor = SignerKey.generate(ORIGIN);
        String forged = new Checkpoint(ORIGIN, 8, root).sign(impostor);
        assertRejected(forged, key.verifierKey(), Reason.UNTRUSTED_KEY);
    }

    @Test
    void tamperedCheckpointTextIsRejected() {
        String note = new Checkpoint(ORIGIN, 8, root).sign(key);
        assertRejected(note.replaceFirst("\n8\n", "\n9\n"), key.verifierKey(), Reason.BAD_SIGNATURE);
        assertRejected(note.replace("Xcnae", "Xcnaf"), key.verifierKey(), Reason.BAD_SIGNATURE);
        assertRejected(note.replace(ORIGIN + "\n8", ORIGIN + "\n8\nextra"), key.verifierKey(), Reason.BAD_SIGNATURE);
    }

    @Test
    void checkpointOfAnotherLogIsRejected() {
        String note = new Checkpoint(ORIGIN, 8, root).sign(key);
        assertThatThrownBy(() -> Checkpoint.open(note, List.of(key.verifierKey()), "other.example/audit"))
                .isInstanceOfSatisfying(NoteRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_ORIGIN));
    }

    @Test
    void malformedBodiesAreRejected() {
        String rootLine = root.base64();
        for (String body : List.of(
                ORIGIN + "\n8\n",                                        // no root
                ORIGIN + "\n8\n" + rootLine,                              // no final newline
                ORIGIN + "\n08\n" + rootLine + "\n",                      // leading zero
                ORIGIN + "\n-1\n" + rootLine + "\n",
                ORIGIN + "\n+8\n" + rootLine + "\n",
                ORIGIN + "\n 8\n" + rootLine + "\n",
                ORIGIN + "\n99999999999999999999\n" + rootLine + "\n",   // beyond 2^63
                ORIGIN + "\n8\n" + rootLine.replace("=", "") + "\n",      // unpadded
                ORIGIN + "\n8\nAAAA\n",                                   // not 32 bytes
                "\n8\n" + rootLine + "\n",                                // empty origin
                ORIGIN + "\n8\n" + rootLine + "\n\nextension\n",          // empty extension line
                ORIGIN + "\n8\n" + rootLine + "\n" + "x\n".repeat(Checkpoint.MAX_EXTENSION_LINES + 1))) {
            assertThatThrownBy(() -> Checkpoint.parseBody(body)).as(body)
                    .isInstanceOfSatisfying(NoteRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        }
    }

    @Test
    void malformedBodyIsRejectedEvenWhenValidlySigned() {
        String note = SignedNote.sign(ORIGIN + "\n08\n" + root.base64() + "\n", key);
        assertRejected(note, key.verifierKey(), Reason.MALFORMED);
    }

    @Test
    void noSingleCharacterEditOfASignedCheckpointIsAcceptedAsSomethingElse() throws Exception {
        Checkpoint original = new Checkpoint(ORIGIN, 1234567, root);
        String note = original.sign(key);
        String[] replacements = {"A", "a", "0", "9", "=", "+", "/", " ", "\n", "\u0000", "\t", "\u2014", "\u00e9", "\ud83d\ude00", "\ud800"};
        List<String> edits = new java.util.ArrayList<>();
        for (int i = 0; i <= note.length(); i++) {
            for (String replacement : replacements) {
                edits.add(note.substring(0, i) + replacement + note.substring(i));                   // insert
                if (i < note.length()) {
                    edits.add(note.substring(0, i) + replacement + note.substring(i + 1));           // replace
                }
            }
            if (i < note.length()) {
                edits.add(note.substring(0, i) + note.substring(i + 1));                            // delete
            }
        }
        edits.removeIf(note::equals); // replacing a character by itself is no edit
        int accepted = 0;
        for (String edit : edits) {
            try {
                Checkpoint opened = Checkpoint.open(edit, key.verifierKey());
                assertThat(opened).as(edit).isEqualTo(original);
                accepted++;
            } catch (NoteRejectedException expected) {
                // the only other acceptable outcome
            }
        }
        // Every byte of a checkpoint note is covered by the signature or by the strict syntax.
        assertThat(accepted).isZero();
        assertThat(edits).hasSizeGreaterThan(3000);
    }

    @Test
    void randomGarbageIsRejectedWithoutAnyOtherException() {
        java.util.Random random = new java.util.Random(6962);
        String alphabet = "ab0189+/= \n\u2014\u0000\u00e9";
        for (int n = 0; n < 2000; n++) {
            StringBuilder garbage = new StringBuilder();
            int length = random.nextInt(200);
            for (int i = 0; i < length; i++) {
                garbage.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThatThrownBy(() -> Checkpoint.open(garbage.toString(), key.verifierKey()))
                    .isInstanceOf(NoteRejectedException.class);
        }
    }

    private static void assertRejected(String note, VerifierKey trusted, Reason reason) {
        assertThatThrownBy(() -> Checkpoint.open(note, trusted))
                .isInstanceOfSatisfying(NoteRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}

package org.opsledger.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.ledger.note.NoteRejectedException.Reason;

/**
 * Byte-for-byte agreement with golang.org/x/mod/sumdb/note (vectors from note.go's package
 * documentation and note_test.go: TestNewVerifier, TestNewSigner, TestSign, TestOpen), plus the
 * strictness this module adds.
 */
class SignedNoteTest {

    static final String PETER_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String PETER_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String ENOCH_VERIFIER = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    static final String TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    static final String PETER_SIG =
            "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    static final String ENOCH_SIG =
            "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    final VerifierKey peter = VerifierKey.parse(PETER_VERIFIER);
    final VerifierKey enoch = VerifierKey.parse(ENOCH_VERIFIER);

    @Test
    void signerKeyDerivesTheGoVerifierKeyAndReencodesIdentically() {
        SignerKey signer = SignerKey.parse(PETER_SIGNER);
        assertThat(signer.verifierKey().encoded()).isEqualTo(PETER_VERIFIER);
        assertThat(signer.encodedSecret()).isEqualTo(PETER_SIGNER);
        assertThat(signer.keyId()).isEqualTo(0xc74f20a3);
        assertThat(signer.toString()).doesNotContain("AYEKFALV");
        assertThat(peter.encoded()).isEqualTo(PETER_VERIFIER);
    }

    @Test
    void signingReproducesTheGoNoteByteForByte() {
        String note = SignedNote.sign(TEXT, SignerKey.parse(PETER_SIGNER));
        assertThat(note).isEqualTo(TEXT + "\n" + PETER_SIG);
        assertThat(note.getBytes(StandardCharsets.UTF_8)).startsWith(TEXT.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void opensTheGoNoteAndItsDoublySignedVariant() throws Exception {
        SignedNote single = SignedNote.open(TEXT + "\n" + PETER_SIG, List.of(peter));
        assertThat(single.text()).isEqualTo(TEXT);
        assertThat(single.signedBy()).containsExactly(peter);

        String both = TEXT + "\n" + PETER_SIG + ENOCH_SIG;
        assertThat(SignedNote.open(both, List.of(peter)).signedBy()).containsExactly(peter);
        assertThat(SignedNote.open(both, List.of(enoch)).signedBy()).containsExactly(enoch);
        assertThat(SignedNote.open(both, List.of(peter, enoch)).signedBy()).containsExactly(peter, enoch);
        assertThat(SignedNote.open(both.getBytes(StandardCharsets.UTF_8), List.of(enoch)).text()).isEqualTo(TEXT);
    }

    @Test
    void noteWithoutATrustedSignatureIsRejected() {
        assertRejected(TEXT + "\n" + PETER_SIG + ENOCH_SIG, List.of(), Reason.UNTRUSTED_KEY);
        VerifierKey sameNameOtherKey = SignerKey.generate("PeterNeumann").verifierKey();
        assertRejected(TEXT + "\n" + PETER_SIG, List.of(sameNameOtherKey), Reason.UNTRUSTED_KEY);
    }

    @Test
    void alteredTextOrSignatureIsRejectedAsABadSignature() {
        assertRejected(TEXT.replace("cryptography", "cryptographY") + "\n" + PETER_SIG, List.of(peter), Reason.BAD_SIGNATURE);
        String corrupted = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
        assertRejected(TEXT + "\n" + corrupted, List.of(peter), Reason.BAD_SIGNATURE);
        // A failing signature from a known key rejects the note even if another known key signed it.
        assertRejected(TEXT + "\n" + corrupted + ENOCH_SIG, List.of(peter, enoch), Reason.BAD_SIGNATURE);
    }

    @Test
    void malformedNotesAreRejected() {
        List<String> bad = List.of(
                TEXT,
                TEXT + "\n",
                TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
                "\u0001" + TEXT + "\n" + PETER_SIG,
                TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
                TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
                TEXT + "\n" + PETER_SIG.replace("\u2014", "--"),
                TEXT + "\n" + PETER_SIG.replace("AM=\n", "AM\n"),           // unpadded base64
                TEXT + "\n" + PETER_SIG.replace("PeterNeumann ", "PeterNeumann  "),
                TEXT + "\n" + "\u2014 PeterNeumann AAAA\n",                  // shorter than key ID + 1 byte
                TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
                TEXT + "\n" + PETER_SIG.repeat(SignedNote.MAX_SIGNATURES + 1),
                "x".repeat(SignedNote.MAX_NOTE_BYTES) + "\n\n" + PETER_SIG);
        for (String note : bad) {
            assertRejected(note, List.of(peter), Reason.MALFORMED);
        }
        byte[] invalidUtf8 = ("\u00ff" + TEXT + "\n" + PETER_SIG).getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SignedNote.open(invalidUtf8, List.of(peter)))
                .isInstanceOfSatisfying(NoteRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    @Test
    void everyManglingOfTheVerifierKeyIsRejected() {
        // TestNewVerifier: every proper substring and every single-byte increment.
        byte[] key = PETER_VERIFIER.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i <= key.length; i++) {
            for (int j = i + 1; j <= key.length; j++) {
                if (i != 0 || j != key.length) {
                    assertBadVerifierKey(new String(key, i, j - i, StandardCharsets.US_ASCII));
                }
            }
        }
        for (int i = 0; i < key.length; i++) {
            key[i]++;
            assertBadVerifierKey(new String(key, StandardCharsets.US_ASCII));
            key[i]--;
        }
        assertBadVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==");
        assertBadVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        assertBadVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    }

    @Test
    void everyManglingOfTheSignerKeyIsRejected() {
        // TestNewSigner: every proper substring and every single-byte increment.
        byte[] key = PETER_SIGNER.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i <= key.length; i++) {
            for (int j = i + 1; j <= key.length; j++) {
                if (i != 0 || j != key.length) {
                    String mangled = new String(key, i, j - i, StandardCharsets.US_ASCII);
                    assertThatIllegalArgumentException().as(mangled).isThrownBy(() -> SignerKey.parse(mangled));
                }
            }
        }
        for (int i = 0; i < key.length; i++) {
            key[i]++;
            String mangled = new String(key, StandardCharsets.US_ASCII);
            assertThatIllegalArgumentException().as(mangled).isThrownBy(() -> SignerKey.parse(mangled));
            key[i]--;
        }
    }

    @Test
    void generatedKeysSignAndVerifyAndRefuseTamperedMessages() {
        SignerKey signer = SignerKey.generate("audit.example/log");
        VerifierKey verifier = VerifierKey.parse(signer.verifierKey().encoded());
        byte[] message = "hi".getBytes(StandardCharsets.UTF_8);
        byte[] signature = signer.sign(message);
        assertThat(verifier.verify(message, signature)).isTrue();
        signature[0]++;
        assertThat(verifier.verify(message, signature)).isFalse();
        signature[0]--;
        message[0]++;
        assertThat(verifier.verify(message, signature)).isFalse();
        assertThat(SignerKey.parse(signer.encodedSecret()).verifierKey()).isEqualTo(verifier);
    }

    @Test
    void signingRefusesTextThatCouldNotBeOpened() {
        SignerKey signer = SignerKey.parse(PETER_SIGNER);
        assertThatIllegalArgumentException().isThrownBy(() -> SignedNote.sign("no final newline", signer));
        assertThatIllegalArgumentException().isThrownBy(() -> SignedNote.sign("tab\tinside\n", signer));
        assertThatIllegalArgumentException().isThrownBy(() -> SignerKey.generate("has space"));
        assertThatIllegalArgumentException().isThrownBy(() -> SignerKey.generate("has+plus"));
    }

    private static void assertBadVerifierKey(String key) {
        assertThatIllegalArgumentException().as(key).isThrownBy(() -> VerifierKey.parse(key));
    }

    private static void assertRejected(String note, List<VerifierKey> trusted, Reason reason) {
        assertThatThrownBy(() -> SignedNote.open(note, trusted))
                .as(note)
                .isInstanceOfSatisfying(NoteRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}

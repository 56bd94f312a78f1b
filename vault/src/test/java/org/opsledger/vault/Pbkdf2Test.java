package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.Pbkdf2;

class Pbkdf2Test {

    @Test
    void matchesTheJdksPbkdf2WithHmacSha256ForShortLongAndNonAsciiPasswords() throws Exception {
        String[] passwords = {"p", "correct horse battery staple", "Grüße, 日本語 — ключ",
                "a password longer than the sixty-four byte block of SHA-256, so HMAC hashes it first!!"};
        byte[] salt = TestTrees.random(5, 16);
        for (String pw : passwords) {
            for (int iterations : new int[] {1, 2, 1000}) {
                byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                        .generateSecret(new PBEKeySpec(pw.toCharArray(), salt, iterations, 256)).getEncoded();
                assertThat(Pbkdf2.hmacSha256(pw.toCharArray(), salt, iterations)).as(pw + " × " + iterations).isEqualTo(jdk);
            }
        }
    }

    @Test
    void rfc7914TestVector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1), first 32 bytes
        assertThat(HexFormat.of().formatHex(Pbkdf2.hmacSha256("passwd".toCharArray(), "salt".getBytes(), 1)))
                .isEqualTo("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }
}

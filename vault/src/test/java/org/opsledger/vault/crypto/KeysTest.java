package org.opsledger.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeysTest {

    /**
     * restore --verify hashes a file in slices on this thread's content-ID MAC and returns early on a short file, and check
     * leaves it updated when a blob does not decompress: the next content ID on the thread took those bytes in too.
     */
    @Test
    void aContentIdIsRightAfterAReaderLeftTheThreadsMacHalfUpdated() {
        Keys keys = new Keys(Keyring.fresh());
        byte[] data = "the same chunk".getBytes(StandardCharsets.UTF_8);
        ObjectId right = keys.contentId(data, 0, data.length);
        keys.contentIdMac().update(new byte[] {1, 2, 3}); // a slice of a file that then turned out short
        assertThat(keys.contentId(data, 0, data.length)).isEqualTo(right);
    }
}

package org.opsledger.vault.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendedAttributesTest {

    @TempDir
    Path tmp;

    @Test
    void aSymlinkIsNeverFollowedToReadOrWriteAnotherFilesAttributes() throws IOException {
        Path target = Files.writeString(tmp.resolve("target.txt"), "secret");
        Files.getFileAttributeView(target, UserDefinedFileAttributeView.class)
                .write("label", ByteBuffer.wrap("confidential".getBytes(StandardCharsets.UTF_8)));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertThat(ExtendedAttributes.read(target)).containsKey("label");

        assertThat(ExtendedAttributes.read(link)).isEmpty();
        String planted = Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ExtendedAttributes.write(link, Map.of("planted", planted))).isInstanceOf(IOException.class);
        assertThat(ExtendedAttributes.read(target)).containsOnlyKeys("label");
    }
}

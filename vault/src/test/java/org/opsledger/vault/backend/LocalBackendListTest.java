package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several hosts write into one repository at once: each write is a {@code .tmp-} file renamed into place, so a listing
 * meets names that are gone a moment later. A listing passes over them (CI met one: two backups at once, one listing
 * index/ while the other renamed its index file, and the backup failed with "file vanished during backup:
 * …/index/.tmp-…").
 */
class LocalBackendListTest {

    @TempDir
    Path tmp;

    @Test
    void aListingPassesOverFilesOtherWritersRenameOrDeleteMeanwhile() {
        LocalBackend backend = new LocalBackend(tmp);
        backend.write("index/first", new byte[] {1}, 0, 1);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 400; i++) {
                    backend.write("index/w" + writer + "-" + i, new byte[] {2}, 0, 1);
                    backend.delete("index/w" + writer + "-" + (i - 1));
                }
            }));
        }
        int listings = 0;
        while (!CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).isDone()) {
            assertThat(backend.list("index")).contains("index/first").noneMatch(n -> n.contains(".tmp-"));
            assertThat(backend.leftoverTemporaryFiles(java.time.Duration.ZERO)).allMatch(p -> p.getFileName().toString().startsWith(".tmp-"));
            listings++;
        }
        writers.forEach(CompletableFuture::join);
        assertThat(listings).isPositive();
        assertThat(backend.list("index")).containsExactly("index/first", "index/w0-399", "index/w1-399");
        assertThat(backend.leftoverTemporaryFiles(java.time.Duration.ZERO)).isEmpty();
    }
}

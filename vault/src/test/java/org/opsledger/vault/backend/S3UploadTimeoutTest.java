package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * An upload is judged by its progress (S3BackendTest runs one against a store that stops reading, and one through a slow
 * link): a store gone silent is given the stall window and the time the socket buffers' bytes take at the least rate
 * (4 KiB/s). A 3 MB pack on a link capped at 8 KiB/s drained from those buffers for minutes after the vault had sent it
 * (a helper's).
 */
class S3UploadTimeoutTest {

    @Test
    void aStoreThatWentSilentIsWaitedForWhatTheBuffersMayStillHoldAtTheLeastRate() {
        Duration minute = Duration.ofSeconds(60);
        assertThat(StallWatch.longest(minute, StallWatch.FLOOR)).as("4 MiB at 4 KiB/s, and the window")
                .isEqualTo(Duration.ofSeconds(60 + 1024)).isLessThan(Duration.ofMinutes(19));
        assertThat(StallWatch.socketTimeout(minute, StallWatch.FLOOR)).as("the socket waits longer than the watch, which judges")
                .isGreaterThan(StallWatch.longest(minute, StallWatch.FLOOR));
    }

    @Test
    void aTimeoutIsCalledWhatItIsNotAnUnreachableStore() {
        String said = "no progress for 60 s sending its 16777216 bytes (4063232 taken, the last 1084 s ago; attempt 2 of 2): the store"
                + " stopped taking them, or the link is slower than 4 KiB/s; check the store's health and the link, and run it again";
        SdkClientException stalled = SdkClientException.create("Unable to execute HTTP request: " + said,
                new StallWatch.Stalled(said, new java.net.SocketException("Socket closed")));
        assertThat(S3Backend.timeout(stalled, 16L << 20)).as("the watch's words, not the SDK's").isEqualTo(said);
        SdkClientException readTimedOut = SdkClientException.create("Unable to execute HTTP request: Read timed out",
                new java.net.SocketTimeoutException("Read timed out"));
        assertThat(S3Backend.timeout(readTimedOut, 3_000_000)).startsWith("the store did not answer within ")
                .endsWith(" s after the upload of 3000000 bytes; check the store's health");
        assertThat(S3Backend.timeout(readTimedOut, -1)).isEqualTo("the store sent nothing for 60 s; check the store's health and the link");
        assertThat(S3Backend.timeout(SdkClientException.create("Connect timed out", new java.net.SocketTimeoutException("Connect timed out")), -1))
                .as("a connection not made: cannot reach").isNull();
        assertThat(S3Backend.timeout(SdkClientException.create("refused", new java.net.ConnectException("Connection refused")), 10)).isNull();
    }
}

package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * An upload is given time in proportion to its size, at the stated least rate (4 KiB/s): a 3 MB pack on a link capped at
 * 8 KiB/s was cut off after 60 s of waiting for the answer while its body drained, sent again 4 times, and the backup failed
 * 'cannot reach the S3 store', where restic took 369 s (a helper's). A link that slow takes minutes; this computes them.
 */
class S3UploadTimeoutTest {

    @Test
    void anUploadIsAllowedTimeForItsBytesAtTheLeastRateAndTwoAttemptsOfALargeOne() {
        long pack = 3_000_000;
        Duration atTheReprosRate = Duration.ofSeconds(pack / (8 * 1024));
        assertThat(S3Backend.uploadAttempt(pack)).as("the repro's pack at its 8 KiB/s, with room")
                .isGreaterThan(atTheReprosRate.plus(S3Backend.ANSWER)).isEqualTo(Duration.ofMillis(60_000 + pack * 1000 / 4096));
        assertThat(S3Backend.uploadAttempt(200)).as("a lock file: the store's answer, as before").isBetween(
                Duration.ofSeconds(60), Duration.ofSeconds(61));
        assertThat(S3Backend.uploadCall(pack)).as("two attempts of a large body, not 4").isEqualTo(S3Backend.uploadAttempt(pack).multipliedBy(2));
        assertThat(S3Backend.uploadCall(200)).as("a small one: any call's 5 minutes").isEqualTo(Duration.ofMinutes(5));
        assertThat(S3Backend.uploadAttempt(16L << 20)).as("a full pack at 4 KiB/s").isGreaterThan(Duration.ofMinutes(68));
    }

    @Test
    void aTimeoutIsCalledWhatItIsNotAnUnreachableStore() {
        assertThat(S3Backend.timeout(ApiCallAttemptTimeoutException.create(792_000), 3_000_000))
                .isEqualTo("the upload of 3000000 bytes did not end within 792 s, the time allowed for the store's answer and its"
                        + " bytes at 4 KiB/s: the link is slower than that, or the store stopped answering; run it again on a faster link");
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

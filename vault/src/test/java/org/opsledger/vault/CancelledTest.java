package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import org.junit.jupiter.api.Test;

/** What counts as a cancellation: an interrupt of the thread, never a store that is slow to answer. */
class CancelledTest {

    /**
     * A socket's read timeout is an InterruptedIOException too, but the store's: taken for a cancellation, an S3 read that
     * timed out was not retried, and the thread that made it was left interrupted.
     */
    @Test
    void aSocketTimeoutIsNoCancellationAndAnInterruptedChannelIs() {
        assertThat(Cancelled.caused(new IOException("Read failed", new SocketTimeoutException("Read timed out")))).isFalse();
        assertThat(Cancelled.caused(new IOException("read", new ClosedByInterruptException()))).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}

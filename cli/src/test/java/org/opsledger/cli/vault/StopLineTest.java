package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hook that says what a stop signal stopped is in place while a line is registered, and only then: it stayed as every
 * vault command ended, a thread started at each exit to say nothing (the command's line is taken back as it ends).
 */
class StopLineTest {

    @Test
    void theHookIsInPlaceWhileALineIsAndGoesWithTheLast() {
        Output.Said command = Output.whenStopped(() -> "opsledger: backup stopped by SIGTERM before it ended");
        Output.Said restore = Output.whenStopped(() -> "opsledger: restore interrupted");
        restore.close();
        assertThat(hooked()).as("a line is left").isTrue();
        command.close();
        assertThat(hooked()).as("no line is left").isFalse();
    }

    /** Whether the hook is in place (taken away to tell, and put back). */
    private static boolean hooked() {
        boolean was = Runtime.getRuntime().removeShutdownHook(Output.STOP_HOOK);
        if (was) {
            Runtime.getRuntime().addShutdownHook(Output.STOP_HOOK);
        }
        return was;
    }
}

package org.opsledger.vault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.LocalBackend;

/**
 * A lock whose process was killed (SIGKILL, the kernel's out-of-memory killer) on this machine is not waited for;
 * one this process cannot tell about (another machine, another container, another user's hidden process) is.
 */
class LockHolderTest {

    @TempDir
    Path tmp;

    @Test
    void aProcessIsCertainlyEndedOnlyWhenThisMachineCanTell() throws Exception {
        LockHolder here = LockHolder.current();
        assertThat(here).as("this test runs on Linux").isNotNull();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        LockHolder holder = LockHolder.of(sleeper.pid(), here.uid());
        assertThat(holder.certainlyEnded(sleeper.pid(), here)).isFalse();
        assertThat(new LockHolder(holder.table(), holder.uid(), holder.startTick() + 1).certainlyEnded(sleeper.pid(), here))
                .as("the same ID, started at another time: the ID was reused").isTrue();
        LockHolder otherUser = new LockHolder(holder.table(), here.uid() + 1, holder.startTick());
        LockHolder asNotRoot = new LockHolder(here.table(), here.uid() + 2, here.startTick());

        sleeper.destroyForcibly().waitFor();
        assertThat(holder.certainlyEnded(sleeper.pid(), here)).isTrue();
        assertThat(new LockHolder("another-boot/" + holder.table(), holder.uid(), holder.startTick()).certainlyEnded(sleeper.pid(), here))
                .as("another machine or container: its processes are not seen from here").isFalse();
        assertThat(otherUser.certainlyEnded(sleeper.pid(), asNotRoot)).as("another user's process may be hidden (hidepid)").isFalse();
        assertThat(holder.certainlyEnded(sleeper.pid(), null)).as("no /proc here").isFalse();
    }

    @Test
    void aLockWhoseProcessEndedIsNotLiveAndUnlockSaysWhy() throws Exception {
        LocalBackend backend = new LocalBackend(tmp);
        Process killed = new ProcessBuilder("sleep", "60").start();
        LockHolder holder = LockHolder.of(killed.pid(), LockHolder.current().uid());
        killed.destroyForcibly().waitFor();
        Instant now = Instant.now();
        backend.write("locks/" + Repository.randomName(), VaultJson.write(new LockRecord("backup", Repository.hostname(), killed.pid(), now, now, holder)));
        backend.write("locks/" + Repository.randomName(), VaultJson.write(new LockRecord("prune", "elsewhere", killed.pid(), now, now, null)));
        Locks locks = new Locks(backend);
        assertThat(locks.live()).extracting(LockRecord::kind).as("a lock written before holders were recorded is live").containsExactly("prune");
        assertThat(locks.unlock(false)).singleElement().asString().contains(": its process has ended, backup on " + Repository.hostname()
                + " (pid " + killed.pid() + ")");
        assertThat(backend.list("locks")).hasSize(1);
    }
}

package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one line a class or library the JVM could not load ends a command with. */
class OneLineErrorsTest {

    /**
     * A jar copied over the one a command ran from (`cp new.jar /opt/opsledger/opsledger.jar`, OPSLEDGER_NO_CDS=1) ended
     * the command saying zstd-jni's library could not load from a /tmp that "may be mounted noexec" (it was not; a
     * tester's). A class of the project's own that is missing says the jar was replaced, and how to upgrade.
     */
    @Test
    void aMissingClassOfOurOwnSaysTheJarWasReplaced() {
        String replaced = "cannot load org.opsledger.vault.journal.Journal$Entry, a class of OpsLedger's own: its jar was replaced while"
                + " this command ran (an upgrade in place, `cp` over it): run the command again; upgrade by installing the new jar"
                + " under a temporary name, then `mv` it over the old one (docs/operations.md, \"Upgrading an installation\")";
        assertThat(OneLineErrors.cannotLoad(new NoClassDefFoundError("org/opsledger/vault/journal/Journal$Entry"))).isEqualTo(replaced);
        NoClassDefFoundError wrapped = new NoClassDefFoundError("org/opsledger/vault/journal/Journal$Entry");
        wrapped.initCause(new ClassNotFoundException("org.opsledger.vault.journal.Journal$Entry"));
        assertThat(OneLineErrors.cannotLoad(wrapped)).isEqualTo(replaced);
        // another's class, or one of ours that is there but failed to initialise, is not said to be replaced
        assertThat(OneLineErrors.cannotLoad(new NoClassDefFoundError("com/github/luben/zstd/Zstd"))).startsWith("cannot load zstd-jni's");
        assertThat(OneLineErrors.cannotLoad(new NoClassDefFoundError("Could not initialize class org.opsledger.vault.Foo")))
                .doesNotContain("replaced");
    }
}

package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one line a class or library the JVM could not load ends a command with: the cause the loader named, and its remedy. */
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

    /**
     * Under an address-space limit (ulimit -v) the loader cannot map zstd-jni's library: that was given the noexec advice
     * (a tester's). Where /tmp is noexec the same words end "Operation not permitted".
     */
    /**
     * The heap ran out while zstd-jni's library loaded (CI, a 12 MiB heap): it said "cannot load zstd-jni's native library
     * (Java heap space) … mounted noexec", exit 1, where the launcher runs a command out of heap again in a larger one.
     */
    @Test
    void aHeapThatRanOutWhileALibraryLoadedIsOutOfMemoryNotALoadProblem() {
        LinkageError loading = new ExceptionInInitializerError(new OutOfMemoryError("Java heap space"));
        assertThat(OneLineErrors.cannotLoadIn(loading)).isNull();
        assertThat(OneLineErrors.cannotLoadIn(new java.util.concurrent.ExecutionException(loading))).as("a worker's, wrapped").isNull();
        assertThat(Ending.outOfMemoryIn(new RuntimeException(loading))).hasMessage("Java heap space");
        assertThat(Ending.of(loading)).get().extracting(Ending.Reason::exitCode).isEqualTo(4);
        assertThat(OneLineErrors.cannotLoadIn(new ExceptionInInitializerError(new RuntimeException("noexec")))).startsWith("cannot load");
    }

    @Test
    void aLibraryThatCannotBeMappedForWantOfAddressSpaceNamesTheLimit() {
        String line = OneLineErrors.cannotLoad(new UnsatisfiedLinkError("/tmp/libzstd-jni-1.5.7-6.so: /tmp/libzstd-jni-1.5.7-6.so:"
                + " failed to map segment from shared object: Cannot allocate memory"));
        assertThat(line).endsWith("failed to map segment from shared object: Cannot allocate memory): the address space this process"
                + " may reserve is used up (`ulimit -v`, limits.conf `as`): raise the limit, or remove it").doesNotContain("noexec");
        assertThat(OneLineErrors.cannotLoad(new UnsatisfiedLinkError("/tmp/libzstd-jni.so: failed to map segment from shared object:"
                + " Operation not permitted"))).contains("noexec").doesNotContain("ulimit");
    }
}

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
     * A `cp` over the jar a command runs from (OPSLEDGER_NO_CDS=1) rewrote what Spring Boot's zip loader reads: it failed
     * with its own error, a library's class missing (which was given the noexec advice) or a class file cut short, a stack
     * trace and no journal entry (an engineer's note). Once the jar is not the file the command started from, a failure of
     * loading says so; the same failures with the jar as it was keep their lines.
     */
    @Test
    void aFailureOfTheZipLoaderOnceTheJarWasReplacedSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path jar = java.nio.file.Files.writeString(tmp.resolve("opsledger.jar"), "build A");
        IllegalStateException zip = new IllegalStateException("Unable to open nested entry 'BOOT-INF/lib/jackson-databind.jar'");
        zip.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.springframework.boot.loader.zip.ZipContent", "open",
                "ZipContent.java", 1)});
        NoClassDefFoundError library = new NoClassDefFoundError("tools/jackson/databind/JacksonSerializable");
        ClassFormatError cut = new ClassFormatError("Truncated class file");
        RunningJar.note(jar);
        try {
            assertThat(OneLineErrors.cannotLoadIn(zip)).isNull();
            assertThat(OneLineErrors.cannotLoadIn(library)).startsWith("cannot load zstd-jni's");
            java.nio.file.Files.writeString(jar, "build B, longer");
            String line = "the jar " + jar + " was replaced while this command ran (an upgrade in place, `cp` over it), and loading from it"
                    + " failed (";
            String remedy = "): run the command again; upgrade by installing the new jar under a temporary name, then `mv` it over the old"
                    + " one (docs/operations.md, \"Upgrading an installation\")";
            assertThat(OneLineErrors.cannotLoadIn(new RuntimeException("backup failed", zip))).isEqualTo(line
                    + "IllegalStateException: Unable to open nested entry 'BOOT-INF/lib/jackson-databind.jar'" + remedy);
            assertThat(OneLineErrors.cannotLoadIn(library)).isEqualTo(line + "NoClassDefFoundError: tools/jackson/databind/JacksonSerializable"
                    + remedy);
            assertThat(OneLineErrors.cannotLoadIn(cut)).isEqualTo(line + "ClassFormatError: Truncated class file" + remedy);
            assertThat(OneLineErrors.cannotLoadIn(new IllegalArgumentException("not the loader's"))).isNull();
        } finally {
            RunningJar.note(null);
        }
    }

    /**
     * Under an address-space limit (ulimit -v) the loader cannot map zstd-jni's library: that was given the noexec advice
     * (a tester's). Where /tmp is noexec the same words end "Operation not permitted".
     */
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

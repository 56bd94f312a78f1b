package org.opsledger.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A JDK the launcher's tests run it with: a release file naming its version, and a java that is a script of the test's. */
final class FakeJdk {

    private FakeJdk() {
    }

    /** At {@code home} unless it is there already; {@code tools}: java, and javac for a JDK (a runtime has none). */
    static Path at(Path home, String version, String script, String... tools) throws IOException {
        if (Files.exists(home)) {
            return home;
        }
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        for (String tool : tools) {
            Path f = Files.writeString(bin.resolve(tool), script);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }
}

package org.opsledger.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsledger.vault.snapshot.FileNames;

/**
 * The command line's arguments as the bytes it was given. The JDK decodes them as UTF-8 and turns each byte that is not
 * UTF-8 into U+FFFD: `restore --target /srv/caf\xe9/r` wrote into a new directory `caf\xef\xbf\xbd` beside the one named,
 * and `dump latest d/x_\xe9` printed another file's bytes (a helper's). Such an argument is read again from
 * /proc/self/cmdline, and carries each such byte as its escape (docs/vault-format.md §8, {@link FileNames}): paths made from
 * it name the bytes given, and a snapshot's names compare with it exactly.
 */
final class ExactArguments {

    private ExactArguments() {
    }

    /** {@code args} with each argument that holds U+FFFD as its own bytes, where /proc tells them; else as they are. */
    static String[] of(String[] args) {
        boolean lossy = false;
        for (String a : args) {
            lossy |= a.indexOf('\uFFFD') >= 0;
        }
        if (!lossy) {
            return args;
        }
        try {
            List<byte[]> all = split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
            if (all.size() < args.length) {
                return args;
            }
            List<byte[]> mine = all.subList(all.size() - args.length, all.size()); // the JVM's own options and the jar come first
            String[] out = args.clone();
            for (int i = 0; i < args.length; i++) {
                String exact = FileNames.decode(mine.get(i));
                if (args[i].indexOf('\uFFFD') >= 0 && FileNames.display(exact).equals(args[i])) { // the same argument, exactly
                    out[i] = exact;
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return args; // not Linux, or /proc not mounted: as the JDK gave them
        }
    }

    private static List<byte[]> split(byte[] cmdline) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        for (byte b : cmdline) {
            if (b == 0) {
                out.add(one.toByteArray());
                one.reset();
            } else {
                one.write(b);
            }
        }
        if (one.size() > 0) {
            out.add(one.toByteArray());
        }
        return out;
    }
}

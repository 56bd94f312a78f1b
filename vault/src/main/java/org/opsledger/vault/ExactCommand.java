package org.opsledger.vault;

import java.util.ArrayList;
import java.util.List;
import org.opsledger.vault.snapshot.FileNames;

/**
 * A command line whose arguments may hold bytes that are not UTF-8, each as its escape ({@link FileNames}). The JDK hands
 * a program its arguments as strings it encodes, and such a byte reached it as '?' or U+FFFD: mkfifo was given another
 * path than the restore's (one a symlink in the snapshot could point outside the target), a --stdin-from-command program
 * another name than the operator typed (helpers'). Such a command runs through sh(1), every argument given as printf(1)'s
 * {@code %b} escapes of its bytes, which are ASCII.
 */
public final class ExactCommand {

    /** sh(1) turns each argument back into its bytes, then runs the command ("." keeps a trailing newline). */
    private static final String UNESCAPE = "n=$#; for a do a=$(printf '%b.' \"$a\"); set -- \"$@\" \"${a%.}\"; done; shift \"$n\";"
            + " exec \"$@\"";

    private ExactCommand() {
    }

    /** {@code command} as it is when every argument is UTF-8 text, else through sh(1) as above. */
    public static List<String> of(List<String> command) {
        if (command.stream().noneMatch(FileNames::hasEscapes)) {
            return command;
        }
        List<String> sh = new ArrayList<>(List.of("sh", "-c", UNESCAPE, "sh"));
        for (String a : command) {
            StringBuilder out = new StringBuilder();
            for (byte b : FileNames.encode(a)) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' || c == '-') {
                    out.append((char) c);
                } else {
                    out.append("\\0").append((char) ('0' + (c >> 6))).append((char) ('0' + (c >> 3 & 7))).append((char) ('0' + (c & 7)));
                }
            }
            sh.add(out.toString());
        }
        return sh;
    }
}

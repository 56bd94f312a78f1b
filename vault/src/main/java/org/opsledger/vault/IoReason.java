package org.opsledger.vault;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a file operation failed, in words for a one-line error. The JDK's exceptions for a missing, refused or
 * existing file carry only the path as their message ("cannot read /x: /x"); the operating system's reason, when
 * there is one, is kept ("Is a directory", "No space left on device"), and a program that could not be started is
 * named by the caller, not twice.
 */
public final class IoReason {

    private IoReason() {
    }

    public static String of(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        if (m.startsWith("Cannot run program")) { // 'Cannot run program "x": Exec failed, error: 2 (No such file or directory) '
            Matcher why = CANNOT_RUN.matcher(m);
            if (why.find()) {
                return why.group(1) != null ? why.group(1) : why.group(2);
            }
        }
        return m.strip();
    }

    /** The reason at the end of ProcessBuilder's message, in the forms of JDK 25 and earlier ones ("error=2, No such file"). */
    private static final Pattern CANNOT_RUN = Pattern.compile("\\(([^()]+)\\)\\s*$|error=\\d+, (.+?)\\s*$");
}

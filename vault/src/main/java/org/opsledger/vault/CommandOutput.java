package org.opsledger.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A program started with its standard output read to the end: until every process holding it has closed it, as a shell
 * pipeline reads ({@code pg_dump db | vault backup --stdin}). The JDK's own pipe ({@code Redirect.PIPE}) is closed by its
 * process reaper as soon as the program itself exits, keeping only what had been written by then: what the program's
 * children wrote after it was lost. `bash -c 'exec > >(gzip -c); pg_dump db'` ends bash with pg_dump, gzip's last bytes
 * come after, and the dump was saved cut, exit 0 (a tester's, session 39). So the output goes through a FIFO in a private
 * temporary directory, deleted once both ends are open.
 */
public final class CommandOutput {

    /** The program, and its output to read; {@code warning} when it is the JDK's pipe after all (no FIFO could be made). */
    public record Started(Process process, InputStream output, String warning) {
    }

    private CommandOutput() {
    }

    /**
     * Starts {@code pb} with its standard output to a FIFO, opened here for reading before the program opens it for
     * writing; where no FIFO can be made (a read-only temporary directory, no mkfifo), through the JDK's pipe, saying so.
     */
    public static Started start(ProcessBuilder pb) throws IOException {
        Path dir;
        Path fifo;
        try {
            dir = Files.createTempDirectory("opsledger-output", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            fifo = dir.resolve("stdout");
        } catch (IOException | UnsupportedOperationException e) {
            return throughPipe(pb, "cannot make a directory in " + System.getProperty("java.io.tmpdir") + " (" + IoReason.of(e) + ")");
        }
        try {
            String refused = ChildProcess.run(List.of("mkfifo", "-m", "600", "--", fifo.toString()));
            if (refused != null) {
                return throughPipe(pb, "cannot make a FIFO in " + dir.getParent() + " (" + refused + ")");
            }
            // Linux opens a FIFO for reading and writing at once without waiting for the other end: held while the read end
            // and the program's write end open (neither then waits), closed after, so that only the program's side writes
            try (FileChannel keeper = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileChannel in = FileChannel.open(fifo, StandardOpenOption.READ);
                try {
                    Process p = pb.redirectOutput(fifo.toFile()).start();
                    return new Started(p, Channels.newInputStream(in), null);
                } catch (IOException | RuntimeException e) {
                    in.close();
                    throw e;
                }
            }
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    private static Started throughPipe(ProcessBuilder pb, String why) throws IOException {
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        return new Started(p, p.getInputStream(), why + ": the command's output is read through the JDK's pipe, which ends when"
                + " the command exits: what processes it leaves running write after that is not read");
    }
}

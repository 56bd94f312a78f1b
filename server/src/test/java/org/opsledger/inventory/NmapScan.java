package org.opsledger.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's real {@code nmap} (a TCP connect scan needs no privileges) and returns the XML it wrote. */
public final class NmapScan {

    private NmapScan() {
    }

    public static String localhost(int... ports) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nmap-", ".xml");
        StringBuilder list = new StringBuilder();
        for (int p : ports) {
            list.append(list.isEmpty() ? "" : ",").append(p);
        }
        Process nmap = new ProcessBuilder(List.of("nmap", "-sT", "-Pn", "-p", list.toString(),
                "-oX", out.toString(), "127.0.0.1")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!nmap.waitFor(120, TimeUnit.SECONDS) || nmap.exitValue() != 0) {
            nmap.destroyForcibly();
            throw new IllegalStateException("nmap failed (exit " + (nmap.isAlive() ? "timeout" : nmap.exitValue()) + ")");
        }
        String xml = Files.readString(out);
        Files.delete(out);
        return xml;
    }
}

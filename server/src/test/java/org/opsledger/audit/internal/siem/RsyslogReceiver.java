package org.opsledger.audit.internal.siem;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rsyslogd as the SIEM receiver, run by the test itself: foreground, its own config, pid
 * file and work directory in a temp directory, {@code imtcp} on a free loopback port, with the
 * {@code gtls} stream driver (TLS only, RFC 5425) and certificates made with {@code openssl} — or
 * plain TCP. It writes every message's MSGID, structured data and payload, one per line.
 */
final class RsyslogReceiver implements AutoCloseable {

    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");

    private final Path dir;
    private final boolean tls;
    private final boolean clientCertificates;
    private final int port;
    private final Path config;
    private Process process;

    RsyslogReceiver(Path dir, boolean tls) throws IOException, InterruptedException {
        this(dir, tls, false);
    }

    /** With {@code clientCertificates}, TLS clients must present a certificate from the test CA (x509/certvalid). */
    RsyslogReceiver(Path dir, boolean tls, boolean clientCertificates) throws IOException, InterruptedException {
        this.dir = dir;
        this.tls = tls;
        this.clientCertificates = clientCertificates;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
        Files.createDirectories(dir.resolve("work"));
        if (tls) {
            makeCertificates();
        }
        this.config = Files.writeString(dir.resolve("rsyslog.conf"), config());
    }

    static boolean installed() {
        return Files.isExecutable(RSYSLOGD);
    }

    int port() {
        return port;
    }

    Path caFile() {
        return dir.resolve("ca.pem");
    }

    Path received() {
        return dir.resolve("received.log");
    }

    private String config() {
        String global = "global(workDirectory=\"" + dir.resolve("work") + "\" maxMessageSize=\"128k\"";
        String module = "module(load=\"imtcp\"";
        if (tls) {
            global += "\n  defaultNetstreamDriver=\"gtls\" defaultNetstreamDriverCAFile=\"" + dir.resolve("ca.pem")
                    + "\"\n  defaultNetstreamDriverCertFile=\"" + dir.resolve("server.pem")
                    + "\" defaultNetstreamDriverKeyFile=\"" + dir.resolve("server.key") + "\"";
            // TLS only; anonymous clients, or clients with a certificate from the CA
            module += " streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\""
                    + (clientCertificates ? "x509/certvalid" : "anon") + "\"";
        }
        return String.join("\n",
                global + ")",
                module + ")",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + port + "\")",
                "template(name=\"received\" type=\"string\" string=\"%msgid% %structured-data% %msg%\\n\")",
                "action(type=\"omfile\" file=\"" + received() + "\" template=\"received\")",
                "");
    }

    private void makeCertificates() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                "-out", "ca.pem", "-days", "2", "-subj", "/CN=OpsLedger test CA");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
                "-out", "server.csr", "-subj", "/CN=localhost");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "san.cnf");
    }

    /** A client certificate from the test CA, its key as encrypted PKCS#8 (PBES2, AES-256) under {@code password}. */
    void makeClientCertificate(String password) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-plain.key", "-out", "client.csr",
                "-subj", "/CN=opsledger-forwarder");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.pem", "-days", "2");
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "client-plain.key", "-out", "client.key",
                "-passout", "pass:" + password);
        Files.delete(dir.resolve("client-plain.key"));
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("openssl.log").toFile())).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    /** Starts rsyslogd and waits until it listens. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", config.toString(), "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.log").toFile())).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.log")));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("rsyslogd does not listen on " + port + ": " + Files.readString(dir.resolve("rsyslogd.log")));
    }

    /** Stops rsyslogd as a service manager would (SIGTERM) and waits for it to exit. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        process = null;
    }

    /** Kills rsyslogd (SIGKILL): what it had read but not yet written is gone. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    List<String> lines() throws IOException {
        return Files.exists(received()) ? Files.readAllLines(received(), StandardCharsets.UTF_8) : List.of();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

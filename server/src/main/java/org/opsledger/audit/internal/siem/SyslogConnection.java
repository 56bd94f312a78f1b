package org.opsledger.audit.internal.siem;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One connection to the receiver: plain TCP (RFC 6587) or TLS (RFC 5425), framing done by the
 * caller. Syslog receivers never answer, so a broken connection shows only as end-of-stream on a
 * read: {@link #peerClosed()} looks for it before each batch, instead of writing into a socket
 * whose peer has gone.
 */
final class SyslogConnection implements Closeable {

    private static final Duration REFUSAL_WAIT = Duration.ofMillis(300);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("siem-write-watchdog").daemon().factory());

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SyslogConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects (and for TLS completes the handshake, checking the receiver's certificate). */
    static SyslogConnection open(SiemSettings settings, SSLContext tls) throws IOException {
        int timeout = (int) settings.connectTimeout().toMillis();
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(false);
            plain.setKeepAlive(true);
            plain.connect(new InetSocketAddress(settings.host(), settings.port()), timeout);
            if (settings.transport() == SiemSettings.Transport.TCP) {
                return new SyslogConnection(plain);
            }
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, settings.host(), settings.port(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            if (settings.verifyHostname()) {
                // RFC 5425 5.2 / RFC 6125: the certificate must name the host we meant to reach
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!isAddressLiteral(settings.host())) {
                parameters.setServerNames(List.of(new SNIHostName(settings.host())));
            }
            ssl.setSSLParameters(parameters);
            ssl.setSoTimeout(timeout);
            ssl.startHandshake();
            SyslogConnection connection = new SyslogConnection(ssl);
            // TLS 1.3: a receiver refuses the client's certificate (or its absence) only after the
            // client has finished its side of the handshake; wait a moment for that answer
            if (connection.peerClosed(REFUSAL_WAIT)) {
                connection.close();
                throw new SSLException("the receiver closed the connection after the handshake"
                        + " (does it require a client certificate this one does not have?)");
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * Writes the framed messages and flushes them to the network. Sockets have no write timeout: when
     * the receiver stops reading, the write blocks once the buffers are full, so a watchdog closes the
     * connection after {@code timeout} and the send fails instead of hanging.
     */
    void send(byte[] frames, Duration timeout) throws IOException {
        // set before the close, so the write that the close breaks always knows why (the future is
        // done only after close() returns, which the failing write can beat)
        java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            fired.set(true);
            close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            out.write(frames);
            out.flush();
        } catch (IOException e) {
            if (fired.get()) {
                throw new SocketTimeoutException("the receiver took no data for " + timeout.toSeconds() + " s");
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Whether the receiver has closed its end (or the connection broke); waits at most {@code wait}. */
    boolean peerClosed(Duration wait) {
        try {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            for (int i = 0; i < 4096; i++) {
                if (in.read() < 0) { // receivers send nothing; TLS records without data are consumed here
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException alive) {
            return false;
        } catch (IOException broken) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to send on it
        }
    }

    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}

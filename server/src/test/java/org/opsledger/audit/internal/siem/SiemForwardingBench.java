package org.opsledger.audit.internal.siem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.opsledger.OpsLedgerApplication;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Figures for docs/performance.md (## SIEM forwarding), run by {@code bench/siem-bench.sh}: the
 * whole server on its embedded PostgreSQL in this JVM writes {@code entries} audit entries, waits
 * until the ledger holds them, then forwards the backlog over TLS to Debian's rsyslogd on loopback
 * (the test's receiver: imtcp + gtls, writing every message to a file), once per payload format.
 * Reports entries per second until the cursor reached the end and until rsyslog had written the
 * last message. Two rounds: the first includes the JIT's warm-up.
 *
 * <p>Usage: {@code SiemForwardingBench [entries=50000] [batch=500]}.
 */
public final class SiemForwardingBench {

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        if (!RsyslogReceiver.installed()) {
            throw new IllegalStateException("needs rsyslogd: apt-get install rsyslog rsyslog-gnutls");
        }
        Path data = Files.createTempDirectory("opsledger-siem-bench-");
        try (ConfigurableApplicationContext app = SpringApplication.run(OpsLedgerApplication.class, "--server.port=0",
                "--opsledger.data-dir=" + data, "--opsledger.bootstrap.admin-password=Bench-Operator-Pass-1",
                "--opsledger.node-name=bench", "--logging.level.org.opsledger=WARN")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            AuditTrail trail = app.getBean(AuditTrail.class);
            TransactionTemplate tx = app.getBean(TransactionTemplate.class);
            for (int done = 0; done < entries; done += 1000) {
                int from = done;
                tx.executeWithoutResult(status -> {
                    for (int i = from; i < Math.min(entries, from + 1000); i++) {
                        trail.record(AuditEvent.of("bench.change", Access.UPDATE, "change", "CHG-" + i)
                                .change(Map.of("state", "approved"), Map.of("state", "implemented", "by", "bench-" + (i % 32))));
                    }
                });
            }
            long newest = jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
            while (jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?").param(newest).query(Long.class).single() == 0) {
                Thread.sleep(100);
            }
            long size = jdbc.sql("SELECT max(leaf_index) + 1 FROM audit_leaf").query(Long.class).single();
            long bodyBytes = jdbc.sql("SELECT sum(octet_length(body)) FROM audit_entry").query(Long.class).single();
            System.out.printf("ledger: %,d leaves, canonical entries %.1f MB; batch size %d%n", size, bodyBytes / 1e6, batch);
            for (int round = 1; round <= 2; round++) { // the first round also warms up the JIT
                for (SiemSettings.Format format : SiemSettings.Format.values()) {
                    System.out.print("round " + round + ", ");
                    measure(app, format, batch, size);
                }
            }
        }
    }

    private static void measure(ConfigurableApplicationContext app, SiemSettings.Format format, int batch, long size)
            throws Exception {
        Path dir = Files.createTempDirectory("opsledger-siem-bench-rsyslog-");
        try (RsyslogReceiver receiver = new RsyslogReceiver(dir, true)) {
            receiver.start();
            SiemSettings settings = SiemTestSupport.settings(SiemSettings.Transport.TLS, format, receiver.port(),
                    receiver.caFile(), batch);
            String load = Files.readString(Path.of("/proc/loadavg")).strip();
            long start = System.nanoTime();
            SiemTestSupport.forwardAll(app, settings);
            double sent = (System.nanoTime() - start) / 1e9;
            long lines;
            while ((lines = lineCount(receiver.received())) < size + 1) { // + at least one checkpoint
                Thread.sleep(20);
                if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                    throw new IllegalStateException("rsyslog wrote only " + lines + " lines");
                }
            }
            double written = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s over TLS: %,d entries sent in %.2f s = %,.0f entries/s; rsyslog had written them all after "
                    + "%.2f s = %,.0f entries/s; file %.1f MB; load average before: %s, after: %s%n", format, size, sent,
                    size / sent, written, size / written, Files.size(receiver.received()) / 1e6, load,
                    Files.readString(Path.of("/proc/loadavg")).strip());
        }
    }

    private static long lineCount(Path file) throws Exception {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }
}

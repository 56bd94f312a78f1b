package org.opsledger.change.internal;

import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.opsledger.identity.Accounts;
import org.opsledger.shared.PageResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * IS.012 6.2.6: stakeholders hear of a change's submission, approval, schedule and outcome. Messages
 * are written to an outbox in the transaction of the state change (so neither is lost), sent over
 * SMTP after the commit, and retried until sent; every failure is recorded on the message.
 */
@Component
class StakeholderNotifications {

    /** Attempts before a message is marked failed for good. */
    static final int MAX_ATTEMPTS = 8;
    /** A round stops after this many failures in a row: the server is likely down. */
    private static final int FAILURES_PER_ROUND = 3;
    private static final Logger log = LoggerFactory.getLogger(StakeholderNotifications.class);

    /** Published in the transaction that queued messages; handled after it commits. */
    record Queued(UUID changeId) {
    }

    /** One message, as the change's page shows it. */
    record Notification(long id, String event, String recipient, String subject, String status, int attempts, String lastError,
            Instant createdAt, Instant sentAt) {
    }

    private final JdbcClient jdbc;
    private final ObjectProvider<JavaMailSender> mail;
    private final ApplicationEventPublisher events;
    private final ChangeProperties properties;
    private final Clock clock;
    private final Accounts accounts;
    private final TransactionTemplate transactions;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("change-mail").factory());

    StakeholderNotifications(JdbcClient jdbc, ObjectProvider<JavaMailSender> mail, ApplicationEventPublisher events,
            ChangeProperties properties, Clock clock, Accounts accounts,
            PlatformTransactionManager transactionManager) {
        this.accounts = accounts;
        this.transactions = new TransactionTemplate(transactionManager);
        this.jdbc = jdbc;
        this.mail = mail;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /** Queues one message per stakeholder address, in the caller's transaction. */
    void queue(ChangeRequest change, List<ChangeRepository.Stakeholder> stakeholders, String event, String what) {
        Set<String> recipients = new LinkedHashSet<>();
        for (ChangeRepository.Stakeholder s : stakeholders) {
            if ("group".equals(s.kind())) {
                recipients.addAll(properties.groups().getOrDefault(s.name(), List.of()));
            } else if (s.email() != null) {
                recipients.add(s.email());
            }
        }
        String subject = "[" + change.number() + "] " + what + ": " + change.title();
        String body = change.number() + " " + change.title() + "\n\n" + what + ".\n\nState: " + change.state().wireName()
                + "\nRisk: " + change.risk().wireName() + "\nType: " + change.type().wireName()
                + (change.plannedStart() == null ? "" : "\nPlanned: " + change.plannedStart() + " to " + change.plannedEnd())
                + "\n\n" + properties.baseUrl() + "/changes/" + change.number() + "\n";
        Instant now = clock.instant();
        for (String to : recipients) {
            jdbc.sql("INSERT INTO change_notification (change_id, event, recipient, subject, body, status, created_at, next_attempt_at) "
                    + "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)").params(change.id(), event, to, subject, body, ChangeRepository.ts(now),
                    ChangeRepository.ts(now)).update();
        }
        if (!recipients.isEmpty()) {
            events.publishEvent(new Queued(change.id()));
        }
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void afterCommit(Queued queued) {
        sender.submit(this::sendPending);
    }

    /** The retry loop: whatever is still pending (a failed attempt, a node that died before sending). */
    @Scheduled(fixedDelayString = "${opsledger.change.notification-retry:PT1M}", initialDelayString = "PT30S")
    void retry() {
        sender.submit(this::sendPending);
    }

    /** Sends what is pending, one message at a time, each in a transaction holding its row: several nodes never send one twice. */
    synchronized int sendPending() {
        JavaMailSender smtp = mail.getIfAvailable();
        if (smtp == null) {
            return 0; // no spring.mail.host: messages wait in the outbox and show as pending in the UI
        }
        int sent = 0;
        int failures = 0;
        while (failures < FAILURES_PER_ROUND) {
            Boolean ok = transactions.execute(status -> sendOne(smtp));
            if (ok == null) {
                return sent;
            }
            if (ok) {
                sent++;
                failures = 0;
            } else {
                failures++; // the message waits (with back-off) and the next one is tried
            }
        }
        return sent;
    }

    /** Null when nothing is pending; else whether the message went out. */
    private Boolean sendOne(JavaMailSender smtp) {
        Long id = jdbc.sql("SELECT id FROM change_notification WHERE status = 'pending' AND next_attempt_at <= ? "
                + "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED").param(ChangeRepository.ts(clock.instant()))
                .query(Long.class).optional().orElse(null);
        if (id == null) {
            return null;
        }
        Notification n = find(id);
        String body = jdbc.sql("SELECT body FROM change_notification WHERE id = ?").param(id).query(String.class).single();
        try {
            MimeMessage message = smtp.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, false, "UTF-8");
            helper.setFrom(properties.mailFrom());
            helper.setTo(n.recipient());
            helper.setSubject(n.subject());
            helper.setText(body);
            smtp.send(message);
            jdbc.sql("UPDATE change_notification SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ?")
                    .params(ChangeRepository.ts(clock.instant()), id).update();
            return true;
        } catch (Exception e) {
            log.warn("Notification {} to {} not sent: {}", id, n.recipient(), e.getMessage());
            String status = n.attempts() + 1 >= MAX_ATTEMPTS ? "failed" : "pending";
            // back-off: the retry period, doubled with each attempt, at most six hours
            Duration wait = properties.notificationRetry().multipliedBy(1L << Math.min(n.attempts(), 10));
            wait = wait.compareTo(Duration.ofHours(6)) > 0 ? Duration.ofHours(6) : wait;
            jdbc.sql("UPDATE change_notification SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?")
                    .params(status, String.valueOf(e.getMessage()), ChangeRepository.ts(clock.instant().plus(wait)), id).update();
            return false;
        }
    }

    private Notification find(long id) {
        return jdbc.sql("SELECT id, event, recipient, subject, status, attempts, last_error, created_at, sent_at "
                + "FROM change_notification WHERE id = ?").param(id).query(StakeholderNotifications::row).single();
    }

    List<Notification> of(UUID changeId) {
        return jdbc.sql("SELECT id, event, recipient, subject, status, attempts, last_error, created_at, sent_at "
                + "FROM change_notification WHERE change_id = ? ORDER BY id").param(changeId).query(StakeholderNotifications::row).list();
    }

    /** A message as its recipient sees it in the UI, with the change it is about. */
    record Received(String changeNumber, String event, String subject, String status, Instant createdAt, Instant sentAt) {
    }

    /**
     * IS.012 6.2.6, "and in the UI": the messages sent to a person's e-mail address (as a stakeholder, or
     * through a group they are in), newest first; none when their account has no address.
     */
    PageResult<Received> receivedBy(String username, int page, int size) {
        return accounts.emailOf(username).map(email -> receivedAt(email, page, size))
                .orElseGet(() -> new PageResult<>(List.of(), page, size, 0));
    }

    private PageResult<Received> receivedAt(String email, int page, int size) {
        long total = jdbc.sql("SELECT count(*) FROM change_notification WHERE lower(recipient) = lower(?)").param(email)
                .query(Long.class).single();
        List<Received> items = jdbc.sql("SELECT c.number, n.event, n.subject, n.status, n.created_at, n.sent_at "
                        + "FROM change_notification n JOIN change_request c ON c.id = n.change_id "
                        + "WHERE lower(n.recipient) = lower(?) ORDER BY n.id DESC LIMIT ? OFFSET ?")
                .params(email, size, PageResult.offset(page, size))
                .query((rs, n) -> new Received(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        ChangeRepository.instant(rs, "created_at"), ChangeRepository.instant(rs, "sent_at")))
                .list();
        return new PageResult<>(items, page, size, total);
    }

    private static Notification row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Notification(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                rs.getString(7), ChangeRepository.instant(rs, "created_at"), ChangeRepository.instant(rs, "sent_at"));
    }
}

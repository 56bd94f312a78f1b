package org.opsledger.audit.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditQuery;
import org.opsledger.audit.AuditRecord;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.Authorities;
import org.opsledger.shared.PageResult;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Writes entries to the append-only {@code audit_entry} table and searches them. */
@Service
class JdbcAuditTrail implements AuditTrail {

    private static final int MAX_TEXT = 1024;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SystemIdentity system;

    JdbcAuditTrail(JdbcClient jdbc, Clock clock, SystemIdentity system) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.system = system;
    }

    @Override
    @Transactional(propagation = Propagation.REQUIRED)
    public void record(AuditEvent event) {
        insert(event);
    }

    @Override
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordIndependently(AuditEvent event) {
        insert(event);
    }

    private void insert(AuditEvent event) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        boolean authenticated = auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken);
        String actor = event.actor() != null ? event.actor() : authenticated ? auth.getName() : "anonymous";
        boolean privileged = authenticated && event.actor() == null && auth.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).anyMatch(Authorities.PRIVILEGED::equals);
        HttpServletRequest request = currentRequest();
        String body = CanonicalEntry.write(new CanonicalEntry.Fields(
                Instant.now(clock), system.name(), clip(actor),
                request == null ? null : request.getRemoteAddr(),
                request == null ? null : clip(request.getHeader("User-Agent")),
                request == null ? "internal" : request.isSecure() ? "https" : "http",
                event.action(), event.access().wireName(), clip(event.objectType()), clip(event.objectId()),
                event.outcome().wireName(), clip(event.reason()), privileged, event.before(), event.after()));
        jdbc.sql("INSERT INTO audit_entry (body) VALUES (?)").param(body).update();
    }

    @Override
    @Transactional(readOnly = true)
    public PageResult<AuditRecord> search(AuditQuery q, int page, int size) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        filter(where, params, "actor = ?", q.actor());
        filter(where, params, "action = ?", q.action());
        filter(where, params, "outcome = ?", q.outcome() == null ? null : q.outcome().wireName());
        filter(where, params, "object_type = ?", q.objectType());
        filter(where, params, "object_id = ?", q.objectId());
        filter(where, params, "occurred_at >= ?", q.from() == null ? null : Timestamp.from(q.from()));
        filter(where, params, "occurred_at < ?", q.to() == null ? null : Timestamp.from(q.to()));
        String clause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        long total = jdbc.sql("SELECT count(*) FROM audit_entry" + clause).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(size);
        pageParams.add(PageResult.offset(page, size));
        List<AuditRecord> items = jdbc.sql("SELECT id, body FROM audit_entry" + clause + " ORDER BY id DESC LIMIT ? OFFSET ?")
                .params(pageParams)
                .query((rs, n) -> toRecord(rs.getLong("id"), rs.getString("body")))
                .list();
        return new PageResult<>(items, page, size, total);
    }

    @SuppressWarnings("unchecked")
    static AuditRecord toRecord(long id, String body) {
        Map<String, Object> m = CanonicalEntry.read(body);
        return new AuditRecord(id, Instant.parse((String) m.get("time")), (String) m.get("system"),
                (String) m.get("actor"), (String) m.get("address"), (String) m.get("userAgent"),
                (String) m.get("protocol"), (String) m.get("action"), (String) m.get("access"),
                (String) m.get("objectType"), (String) m.get("objectId"), (String) m.get("outcome"),
                (String) m.get("reason"), Boolean.TRUE.equals(m.get("privileged")),
                (Map<String, Object>) m.get("before"), (Map<String, Object>) m.get("after"));
    }

    private static void filter(List<String> where, List<Object> params, String condition, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            where.add(condition);
            params.add(value);
        }
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs
                ? attrs.getRequest() : null;
    }
}

package org.opsledger.inventory.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * System documentation attached to items (ECOMP 8.2, 11.9): network architecture, configuration
 * settings, procedures. Stored in the database with its SHA-256, never edited (a new version is a new
 * document), and read only by the roles {@link InventoryAccess#READ_DOCUMENTS} names; each download is
 * recorded.
 */
@Service
class DocumentService {

    static final long MAX_SIZE = 10L * 1024 * 1024;
    static final List<String> KINDS = List.of("network-architecture", "configuration", "procedure", "other");

    record Document(UUID id, UUID itemId, String kind, String title, String fileName, long size, String sha256,
            String uploadedBy, Instant uploadedAt) {
    }

    record Content(Document document, byte[] bytes) {
    }

    private final JdbcClient jdbc;
    private final ItemRepository items;
    private final AuditTrail audit;
    private final Clock clock;

    DocumentService(JdbcClient jdbc, ItemRepository items, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.items = items;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Document attach(UUID itemId, String kind, String title, String originalName, byte[] content) {
        items.find(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        if (kind == null || !KINDS.contains(kind)) {
            throw ProblemException.invalid("kind", "kind is one of " + String.join(", ", KINDS));
        }
        String t = title == null ? "" : title.strip();
        if (t.isEmpty() || t.length() > 200 || t.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid("title", "A title of 1 to 200 characters is required");
        }
        if (content == null || content.length == 0) {
            throw ProblemException.invalid("file", "A non-empty file is required");
        }
        if (content.length > MAX_SIZE) {
            throw ProblemException.invalid("file", "A document is at most " + MAX_SIZE / (1024 * 1024) + " MB");
        }
        Document d = new Document(UUID.randomUUID(), itemId, kind, t, safeName(originalName), content.length, sha256(content),
                SecurityContextHolder.getContext().getAuthentication().getName(), clock.instant());
        jdbc.sql("INSERT INTO item_document (id, item_id, kind, title, file_name, size, sha256, content, uploaded_by, uploaded_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(d.id(), itemId, kind, t, d.fileName(), d.size(), d.sha256(), content, d.uploadedBy(),
                        ItemRepository.ts(d.uploadedAt()))
                .update();
        audit.record(AuditEvent.of("item.document.attach", Access.CREATE, "configuration-item", itemId.toString())
                .change(null, Map.of("document", d.id().toString(), "kind", kind, "title", t, "sha256", d.sha256())));
        return d;
    }

    @Transactional(readOnly = true)
    PageResult<Document> of(UUID itemId, int page, int size) {
        items.find(itemId).orElseThrow(() -> ProblemException.notFound("Configuration item " + itemId));
        List<Document> list = jdbc.sql("SELECT " + COLUMNS + " FROM item_document WHERE item_id = ? "
                        + "ORDER BY uploaded_at DESC, id LIMIT ? OFFSET ?").params(itemId, size, PageResult.offset(page, size))
                .query(DocumentService::map).list();
        long total = jdbc.sql("SELECT count(*) FROM item_document WHERE item_id = ?").param(itemId).query(Long.class).single();
        return new PageResult<>(list, page, size, total);
    }

    /** The document and its bytes; the read is recorded (ECOMP 6.1.9, 8.2). */
    @Transactional
    Content read(UUID id) {
        Document d = jdbc.sql("SELECT " + COLUMNS + " FROM item_document WHERE id = ?").param(id).query(DocumentService::map)
                .optional().orElseThrow(() -> ProblemException.notFound("Document " + id));
        byte[] bytes = jdbc.sql("SELECT content FROM item_document WHERE id = ?").param(id).query(byte[].class).single();
        audit.record(AuditEvent.of("item.document.read", Access.READ, "item-document", id.toString()));
        return new Content(d, bytes);
    }

    private static final String COLUMNS = "id, item_id, kind, title, file_name, size, sha256, uploaded_by, uploaded_at";

    /** The file's own name, without any path, in safe characters. */
    static String safeName(String original) {
        String base = original == null ? "" : original.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ -]", "_").strip();
        if (base.isEmpty() || base.chars().allMatch(c -> c == '.')) {
            base = "document";
        }
        return base.length() > 255 ? base.substring(base.length() - 255) : base;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Document map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Document(rs.getObject("id", UUID.class), rs.getObject("item_id", UUID.class), rs.getString("kind"),
                rs.getString("title"), rs.getString("file_name"), rs.getLong("size"), rs.getString("sha256"),
                rs.getString("uploaded_by"), ItemRepository.instant(rs, "uploaded_at"));
    }
}

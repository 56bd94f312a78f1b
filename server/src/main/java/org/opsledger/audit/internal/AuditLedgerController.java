package org.opsledger.audit.internal;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.ProblemException;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tamper-evident log for auditors (ECOMP 6.3, 6.4, 7): signed checkpoints, the verifier key,
 * RFC 9162 proofs and the export that {@code opsledger audit verify} checks offline.
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditLedgerController {

    static final String JSON_LINES = "application/x-ndjson";

    private final AuditLedger ledger;
    private final LogIdentity identity;
    private final AuditTrail trail;

    AuditLedgerController(AuditLedger ledger, LogIdentity identity, AuditTrail trail) {
        this.ledger = ledger;
        this.identity = identity;
        this.trail = trail;
    }

    @GetMapping(path = "/checkpoint", produces = MediaType.TEXT_PLAIN_VALUE)
    @PreAuthorize("hasAnyRole('AUDITOR','SECURITY_OFFICER')")
    @Operation(summary = "The latest signed checkpoint (C2SP tlog-checkpoint signed note)")
    String checkpoint() {
        return ledger.latest().map(AuditLedger.Latest::note)
                .orElseThrow(() -> ProblemException.notFound("a signed checkpoint"));
    }

    /** Any signed-in account may read the public key; it is what lets anyone check the log. */
    @GetMapping(path = "/key", produces = MediaType.TEXT_PLAIN_VALUE)
    @Operation(summary = "The log's verifier key (golang.org/x/mod/sumdb/note form)")
    String key() {
        return identity.published().encoded() + "\n";
    }

    @GetMapping("/proofs/inclusion")
    @PreAuthorize("hasAnyRole('AUDITOR','SECURITY_OFFICER')")
    @Operation(summary = "Inclusion proof of leaf index in the tree of size (RFC 9162 2.1.3), hashes in base64")
    Map<String, Object> inclusion(@RequestParam(required = false) Long index, @RequestParam(required = false) Long size) {
        return ledger.inclusionProof(required("index", index), required("size", size));
    }

    @GetMapping("/proofs/consistency")
    @PreAuthorize("hasAnyRole('AUDITOR','SECURITY_OFFICER')")
    @Operation(summary = "Consistency proof from tree size from to tree size to (RFC 9162 2.1.4), hashes in base64")
    Map<String, Object> consistency(@RequestParam(required = false) Long from, @RequestParam(required = false) Long to) {
        return ledger.consistencyProof(required("from", from), required("to", to));
    }

    @GetMapping(path = "/export", produces = JSON_LINES)
    @PreAuthorize("hasAnyRole('AUDITOR','SECURITY_OFFICER')")
    @Operation(summary = "Leaves [from, to) as JSON lines: index, entry id, stored leaf hash, canonical entry (docs/audit-format.md)")
    void export(@RequestParam(defaultValue = "0") long from, @RequestParam(required = false) Long to,
            HttpServletResponse response) throws IOException {
        long end = ledger.exportEnd(from, to);
        // ECOMP 6.1.9: reading the trail is itself an access worth recording.
        trail.record(AuditEvent.of("audit.export", Access.READ, "audit-trail", from + ".." + end));
        response.setContentType(JSON_LINES + ";charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"audit-" + from + "-" + end + ".jsonl\"");
        ledger.export(from, end, response.getOutputStream());
    }

    /**
     * Parameters are checked here rather than by binding, so that a caller without the role is
     * refused (403) before being told what is missing (400).
     */
    private static long required(String name, Long value) {
        if (value == null) {
            throw ProblemException.invalid(name, name + " is required");
        }
        return value;
    }
}

package org.opsledger.compliance.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.opsledger.compliance.Attestation;
import org.opsledger.compliance.Compliance;
import org.opsledger.compliance.Control;
import org.opsledger.compliance.ControlAssessment;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code /api/v1/controls}: the catalog with each control's status; attestations with evidence. */
@RestController
class ControlController {

    /** IS.012 section 7 references. */
    record MappingView(List<String> nist80053, List<String> cis, List<String> nistCsf) {
    }

    /** A control as the API shows it. */
    record ControlView(String id, String source, String section, String sectionTitle, String parent, String title,
            String summary, MappingView mapping, String evaluation, String module, String status,
            List<String> reasons, Attestation attestation) {

        static ControlView of(ControlAssessment a) {
            Control c = a.control();
            return new ControlView(c.id(), c.source(), c.section(), c.sectionTitle(), c.parent(), c.title(), c.summary(),
                    new MappingView(c.mapping().nist80053(), c.mapping().cis(), c.mapping().nistCsf()), c.evaluation().name().toLowerCase(java.util.Locale.ROOT), c.module(), a.status().wireName(),
                    a.reasons(), a.attestation());
        }
    }

    private final Compliance compliance;
    private final AttestationService attestations;

    ControlController(Compliance compliance, AttestationService attestations) {
        this.compliance = compliance;
        this.attestations = attestations;
    }

    @GetMapping("/api/v1/controls")
    @Operation(summary = "List controls with their status; filter by source (IS.012, ECOMP) or status")
    PageResult<ControlView> list(@RequestParam(required = false) String source, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "200") int size) {
        return PageResult.slice(compliance.assessAll(source, status).stream().map(ControlView::of).toList(), page, size);
    }

    @GetMapping("/api/v1/controls/{id}")
    ControlView get(@PathVariable String id) {
        return compliance.assess(id).map(ControlView::of).orElseThrow(() -> ProblemException.notFound("Control " + id));
    }

    @GetMapping("/api/v1/controls/{id}/attestations")
    PageResult<Attestation> history(@PathVariable String id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        get(id);
        return PageResult.slice(attestations.history(id), page, size);
    }

    @PostMapping(path = "/api/v1/controls/{id}/attestations", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize("hasRole('SECURITY_OFFICER')")
    @Operation(summary = "Attest a control: status, statement, expiry and an optional evidence file")
    ResponseEntity<Attestation> attest(@PathVariable String id, @RequestParam String status, @RequestParam String statement,
            @RequestParam Instant expiresAt, @RequestParam(required = false) MultipartFile evidence) throws IOException {
        byte[] content = evidence == null || evidence.isEmpty() ? null : evidence.getBytes();
        Attestation a = attestations.attest(new AttestationService.NewAttestation(id, status, statement, expiresAt,
                evidence == null ? null : evidence.getOriginalFilename(), content));
        return ResponseEntity.status(201).body(a);
    }

    @GetMapping("/api/v1/attestations/{id}/evidence")
    @PreAuthorize("hasAnyRole('SECURITY_OFFICER','AUDITOR')")
    @Operation(summary = "Download an attestation's evidence file")
    ResponseEntity<byte[]> evidence(@PathVariable UUID id) {
        AttestationService.Evidence e = attestations.evidence(id).orElseThrow(() -> ProblemException.notFound("Evidence of attestation " + id));
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", ContentDisposition.attachment().filename(e.name()).build().toString())
                .header("Digest", "sha-256=" + e.sha256())
                .body(e.content());
    }
}

package org.opsledger.compliance.internal;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.compliance.Compliance;
import org.opsledger.compliance.ControlStatus;
import org.opsledger.shared.ProblemException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The control catalog pages: every control with its status; attestation with evidence. */
@Controller
class ControlPages {

    private final Compliance compliance;
    private final AttestationService attestations;
    private final AuditTrail audit;

    ControlPages(Compliance compliance, AttestationService attestations, AuditTrail audit) {
        this.compliance = compliance;
        this.attestations = attestations;
        this.audit = audit;
    }

    @GetMapping("/controls")
    String list(@RequestParam(required = false) String source, @RequestParam(required = false) String status, Model model) {
        model.addAttribute("section", "controls");
        model.addAttribute("controls", compliance.assessAll(source, status));
        model.addAttribute("source", source);
        model.addAttribute("status", status);
        model.addAttribute("statuses", ControlStatus.values());
        return "compliance/controls";
    }

    @GetMapping("/controls/{id}")
    String control(@PathVariable String id, Model model) {
        model.addAttribute("section", "controls");
        model.addAttribute("a", compliance.assess(id).orElseThrow(() -> ProblemException.notFound("Control " + id)));
        model.addAttribute("history", attestations.history(id));
        model.addAttribute("canAttest", SecurityContextHolder.getContext().getAuthentication().getAuthorities().stream()
                .anyMatch(g -> "ROLE_SECURITY_OFFICER".equals(g.getAuthority())));
        model.addAttribute("defaultExpiry", LocalDate.now(ZoneOffset.UTC).plusYears(1));
        return "compliance/control";
    }

    @PostMapping("/controls/{id}/attestations")
    @PreAuthorize("hasRole('SECURITY_OFFICER')")
    String attest(@PathVariable String id, @RequestParam String status, @RequestParam String statement,
            @RequestParam LocalDate expires, @RequestParam(required = false) MultipartFile evidence, RedirectAttributes flash)
            throws IOException {
        try {
            attestations.attest(new AttestationService.NewAttestation(id, status, statement,
                    expires.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    evidence == null || evidence.isEmpty() ? null : evidence.getOriginalFilename(),
                    evidence == null || evidence.isEmpty() ? null : evidence.getBytes()));
            flash.addFlashAttribute("message", "Attestation recorded.");
        } catch (ProblemException e) {
            audit.recordIndependently(AuditEvent.of("request.rejected", Access.EXECUTE, "control", id).failed(e.getMessage()));
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/controls/" + id;
    }
}

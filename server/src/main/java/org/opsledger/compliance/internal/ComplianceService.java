package org.opsledger.compliance.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opsledger.compliance.Attestation;
import org.opsledger.compliance.Compliance;
import org.opsledger.compliance.Control;
import org.opsledger.compliance.ControlAssessment;
import org.opsledger.compliance.ControlCatalog;
import org.opsledger.compliance.ControlEvaluator;
import org.opsledger.compliance.ControlStatus;
import org.springframework.stereotype.Service;

/**
 * A control's status: its module's evaluator when one exists; otherwise the latest attestation
 * (expired once past its date); otherwise not assessed, saying what is missing.
 */
@Service
class ComplianceService implements Compliance {

    private final ControlCatalog catalog;
    private final AttestationService attestations;
    private final Map<String, ControlEvaluator> evaluators = new HashMap<>();
    private final Clock clock;

    ComplianceService(ControlCatalog catalog, AttestationService attestations, List<ControlEvaluator> evaluators, Clock clock) {
        this.catalog = catalog;
        this.attestations = attestations;
        this.clock = clock;
        for (ControlEvaluator evaluator : evaluators) {
            for (String id : evaluator.controls()) {
                if (catalog.find(id).isEmpty()) {
                    throw new IllegalStateException(evaluator.getClass().getName() + " evaluates " + id + ", which is not in the catalog");
                }
                if (this.evaluators.put(id, evaluator) != null) {
                    throw new IllegalStateException("Two evaluators claim " + id);
                }
            }
        }
    }

    @Override
    public List<ControlAssessment> assessAll() {
        Instant now = clock.instant();
        Map<String, Attestation> latest = attestations.latestByControl();
        List<ControlAssessment> all = new ArrayList<>();
        for (Control control : catalog.controls()) {
            all.add(assess(control, latest.get(control.id()), now));
        }
        return all;
    }

    @Override
    public List<ControlAssessment> assessAll(String source, String status) {
        return assessAll().stream()
                .filter(a -> source == null || source.isBlank() || source.equals(a.control().source()))
                .filter(a -> status == null || status.isBlank() || status.equals(a.status().wireName()))
                .toList();
    }

    @Override
    public Optional<ControlAssessment> assess(String controlId) {
        return catalog.find(controlId).map(c -> assess(c, attestations.latest(c.id()).orElse(null), clock.instant()));
    }

    @Override
    public Map<ControlStatus, Long> summary() {
        Map<ControlStatus, Long> counts = new EnumMap<>(ControlStatus.class);
        for (ControlStatus s : ControlStatus.values()) {
            counts.put(s, 0L);
        }
        assessAll().forEach(a -> counts.merge(a.status(), 1L, Long::sum));
        return counts;
    }

    private ControlAssessment assess(Control control, Attestation attestation, Instant now) {
        ControlEvaluator evaluator = evaluators.get(control.id());
        if (evaluator != null) {
            ControlEvaluator.Result r = evaluator.evaluate(control.id(), now);
            return new ControlAssessment(control, r.status(), r.reasons(), attestation);
        }
        if (attestation != null) {
            String by = "Attested by " + attestation.attestedBy() + " on " + attestation.attestedAt();
            if (attestation.expiredAt(now)) {
                return new ControlAssessment(control, ControlStatus.EXPIRED,
                        List.of(by + "; expired " + attestation.expiresAt() + ": attest it again"), attestation);
            }
            return new ControlAssessment(control, attestation.status(),
                    List.of(by + ", valid until " + attestation.expiresAt()), attestation);
        }
        String missing = control.isAutomatic()
                ? "Decided from the " + control.module() + " module's records once that module is in use; until then, attest it"
                : "Needs an attestation with evidence from a security officer";
        return new ControlAssessment(control, ControlStatus.NOT_ASSESSED, List.of(missing), null);
    }
}

package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDuties;
import org.opsledger.shared.ProblemException;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The Change Advisory Board's votes (IS.012 6.2.2) and the security officer's approval of changes to
 * network devices (IS.012 6.3.6). Votes on one change serialise on its row lock, so concurrent votes
 * are all counted and the quorum is decided exactly once.
 */
@Service
class CabVotes {

    /**
     * One vote.
     *
     * @param capacity {@code cab} (a board member) or {@code security} (the security officer, IS.012 6.3.6)
     */
    record Vote(String voter, String capacity, String decision, String comment, Instant votedAt) {
    }

    record VoteRequest(String decision, String comment, String capacity) {
    }

    /** The vote and where the change stands after it. */
    record Result(Vote vote, ChangeRequest change) {
    }

    private final JdbcClient jdbc;
    private final ChangeRepository changes;
    private final ChangeService service;
    private final SeparationOfDuties duties;
    private final AuditTrail audit;
    private final ChangeProperties properties;
    private final Clock clock;

    CabVotes(JdbcClient jdbc, ChangeRepository changes, @Lazy ChangeService service, SeparationOfDuties duties, AuditTrail audit,
            ChangeProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.changes = changes;
        this.service = service;
        this.duties = duties;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    List<Vote> of(UUID changeId) {
        return jdbc.sql("SELECT voter, capacity, decision, comment, voted_at FROM change_vote WHERE change_id = ? ORDER BY voted_at, voter")
                .param(changeId).query((rs, n) -> new Vote(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        ChangeRepository.instant(rs, "voted_at"))).list();
    }

    @Transactional
    Result vote(String key, VoteRequest r) {
        String decision = r.decision() == null ? "" : r.decision().toLowerCase(Locale.ROOT);
        if (!decision.equals("approve") && !decision.equals("reject")) {
            throw ProblemException.invalid("decision", "decision is 'approve' or 'reject'");
        }
        String comment = ChangeService.text(r.comment(), "comment", 5_000, false);
        if (decision.equals("reject") && comment == null) {
            throw ProblemException.invalid("comment", "Say why you reject the change");
        }
        String capacity = capacity(r.capacity());
        ChangeRequest c = changes.lock(key).orElseThrow(() -> ProblemException.notFound("Change " + key));
        // ECOMP 3, IS.012 6.2.2: nobody votes on a change they requested or will implement
        duties.checkActor("requester-not-approver", "change", c.number(), c.requester());
        duties.checkActor("implementer-not-approver", "change", c.number(), c.implementer());
        if (capacity.equals("cab") && c.state() != ChangeState.CAB_REVIEW) {
            throw refuse(c, "CAB votes are taken while a change is in cab-review; " + c.number() + " is " + c.state().wireName());
        }
        if (capacity.equals("security")) {
            if (!c.networkDevice()) {
                throw refuse(c, c.number() + " touches no network device: no security officer approval is asked for");
            }
            if (c.securityApprovedBy() != null || !List.of(ChangeState.SUBMITTED, ChangeState.ASSESSED, ChangeState.CAB_REVIEW)
                    .contains(c.state())) {
                throw refuse(c, "The security officer's decision on " + c.number() + " is taken before approval, once");
            }
        }
        String voter = ChangeService.actor();
        Vote vote = new Vote(voter, capacity, decision, comment, clock.instant());
        try {
            jdbc.sql("INSERT INTO change_vote (change_id, voter, capacity, decision, comment, voted_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(c.id(), voter, capacity, decision, comment, ChangeRepository.ts(vote.votedAt())).update();
        } catch (DuplicateKeyException e) {
            throw refuse(c, voter + " has already voted on " + c.number());
        }
        audit.record(AuditEvent.of("change.vote", Access.UPDATE, "change", c.number())
                .change(null, ChangeService.map("voter", voter, "capacity", capacity, "decision", decision, "comment", comment)));
        return new Result(vote, decide(c, vote));
    }

    /** After each vote: the security officer's decision, then the CAB's once its quorum has voted. */
    private ChangeRequest decide(ChangeRequest c, Vote vote) {
        if (vote.capacity().equals("security")) {
            if (vote.decision().equals("reject")) {
                return service.rejected(c, "security officer " + vote.voter() + ": " + vote.comment());
            }
            ChangeRequest.Builder b = c.toBuilder();
            b.securityApprovedBy = vote.voter();
            ChangeRequest approvedBySecurity = b.build(clock.instant());
            changes.update(approvedBySecurity);
            service.step(c, approvedBySecurity, "security-approve", "IS.012 6.3.6: network device change approved by the security officer");
            c = approvedBySecurity;
            if (c.state() != ChangeState.CAB_REVIEW) {
                return c;
            }
        }
        if (c.state() != ChangeState.CAB_REVIEW) {
            return c;
        }
        List<Vote> cab = of(c.id()).stream().filter(v -> v.capacity().equals("cab")).toList();
        long approvals = cab.stream().filter(v -> v.decision().equals("approve")).count();
        long rejections = cab.size() - approvals;
        int quorum = properties.quorum(c.risk());
        if (cab.size() < quorum) {
            return c;
        }
        // IS.012 6.2.2: a majority of a quorate board decides
        if (approvals <= rejections) {
            return service.rejected(c, "CAB: " + approvals + " for, " + rejections + " against (quorum " + quorum + ")");
        }
        if (c.networkDevice() && c.securityApprovedBy() == null) {
            return c; // waits for the security officer (IS.012 6.3.6)
        }
        return service.approved(c, "cab", "CAB: " + approvals + " for, " + rejections + " against (quorum " + quorum + ")");
    }

    private static String capacity(String requested) {
        boolean cab = ChangeService.hasRole(Role.CAB_MEMBER);
        boolean security = ChangeService.hasRole(Role.SECURITY_OFFICER);
        if (requested == null) {
            return cab ? "cab" : "security";
        }
        return switch (requested) {
            case "cab" -> {
                if (!cab) {
                    throw ProblemException.forbidden("Only CAB members vote in the CAB");
                }
                yield "cab";
            }
            case "security" -> {
                if (!security) {
                    throw ProblemException.forbidden("Only a security officer gives the security approval (IS.012 6.3.6)");
                }
                yield "security";
            }
            default -> throw ProblemException.invalid("capacity", "capacity is 'cab' or 'security'");
        };
    }

    private ProblemException refuse(ChangeRequest c, String why) {
        audit.recordIndependently(AuditEvent.of("change.vote", Access.UPDATE, "change", c.number()).failed(why));
        return ProblemException.conflict(why, null).recorded();
    }
}

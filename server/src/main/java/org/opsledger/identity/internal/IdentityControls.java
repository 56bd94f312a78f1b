package org.opsledger.identity.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opsledger.compliance.ControlEvaluator;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDuties;
import org.springframework.stereotype.Component;

/** The controls identity's own records prove: individual accounts, separated duties, time-outs. */
@Component
class IdentityControls implements ControlEvaluator {

    /** User names that stand for a function, not a person (IS.012 6.7.1.15). */
    static final Set<String> GENERIC_NAMES = Set.of("admin", "administrator", "root", "operator", "sysadmin", "test",
            "guest", "shared", "user", "support", "helpdesk", "service", "backup");

    private static final Duration LONGEST_TIMEOUT = Duration.ofMinutes(15);
    private static final int PAGE = 500;

    private final AccountRepository accounts;
    private final SeparationOfDutiesRules rules;
    private final IdentityProperties properties;

    IdentityControls(AccountRepository accounts, SeparationOfDutiesRules rules, IdentityProperties properties) {
        this.accounts = accounts;
        this.rules = rules;
        this.properties = properties;
    }

    @Override
    public Set<String> controls() {
        return Set.of("IS.012-6.3.8", "IS.012-6.7.1.15", "IS.012-6.7.1.14", "IS.012-6.5.5", "ECOMP-3", "ECOMP-1.8");
    }

    @Override
    public Result evaluate(String controlId, Instant now) {
        return switch (controlId) {
            // IS.012 6.3.8, 6.7.1.15: no generic or shared interactive accounts
            case "IS.012-6.3.8", "IS.012-6.7.1.15" -> individualAccounts();
            // IS.012 6.7.1.14: administrators use separate accounts for normal work
            case "IS.012-6.7.1.14" -> ruleHolds("administrator-holds-no-other-role", Role.PLATFORM_ADMINISTRATOR);
            // IS.012 6.5.5: release duties on accounts of their own
            case "IS.012-6.5.5" -> ruleHolds("developer-is-not-release-manager", Role.RELEASE_MANAGER);
            case "ECOMP-3" -> everyAccountRuleHolds();
            case "ECOMP-1.8" -> inactivityTimeout();
            default -> throw new IllegalArgumentException(controlId);
        };
    }

    private List<Account> all() {
        List<Account> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            List<Account> batch = accounts.page(PAGE, (long) page * PAGE);
            all.addAll(batch);
            if (batch.size() < PAGE) {
                return all;
            }
        }
    }

    private Result individualAccounts() {
        List<String> generic = all().stream()
                .filter(a -> a.enabled() && a.kind() == Account.Kind.PERSON && GENERIC_NAMES.contains(a.username()))
                .map(Account::username).toList();
        if (!generic.isEmpty()) {
            return Result.notCompliant(List.of("Enabled interactive accounts with generic names: " + String.join(", ", generic)
                    + ". Give each administrator a named account, then disable these."));
        }
        return Result.compliant("Every enabled interactive account has an individual name; service accounts cannot log in.");
    }

    private Result ruleHolds(String ruleId, Role role) {
        List<Account> all = all();
        List<String> breaking = all.stream()
                .filter(a -> rules.brokenRule(a.roles()).filter(r -> r.id().equals(ruleId)).isPresent())
                .map(Account::username).toList();
        if (!breaking.isEmpty()) {
            return Result.notCompliant(List.of("Accounts breaking rule " + ruleId + ": " + String.join(", ", breaking)));
        }
        long holders = all.stream().filter(a -> a.enabled() && a.roles().contains(role)).count();
        return Result.compliant(holders + " enabled account(s) hold " + role.wireName()
                + "; rule " + ruleId + " is enforced on every role change and holds for all accounts.");
    }

    private Result everyAccountRuleHolds() {
        List<String> problems = new ArrayList<>();
        for (Account a : all()) {
            rules.brokenRule(a.roles()).ifPresent(r -> problems.add(a.username() + " breaks " + r.id()));
        }
        if (!problems.isEmpty()) {
            return Result.notCompliant(problems);
        }
        List<String> ids = rules.accountRules().stream().map(SeparationOfDuties.AccountRule::id).toList();
        return Result.compliant("All accounts satisfy the account rules (" + String.join(", ", ids)
                + "); action rules are checked on every request and refusals are in the audit trail.");
    }

    private Result inactivityTimeout() {
        Duration timeout = properties.sessionTimeout();
        if (timeout.compareTo(LONGEST_TIMEOUT) > 0) {
            return Result.notCompliant(List.of("UI sessions end after " + timeout.toMinutes()
                    + " minutes of inactivity; at most 15 is expected (opsledger.security.session-timeout)."));
        }
        return Result.compliant("UI sessions end after " + timeout.toSeconds() + " s of inactivity; API session tokens expire after "
                + properties.tokenTtl().toMinutes() + " minutes.");
    }
}

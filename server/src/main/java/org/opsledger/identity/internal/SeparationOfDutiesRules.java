package org.opsledger.identity.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDuties;
import org.opsledger.identity.SeparationOfDutiesViolation;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads {@code identity/separation-of-duties.yaml} once and applies it. */
@Component
class SeparationOfDutiesRules implements SeparationOfDuties {

    private final List<AccountRule> accountRules;
    private final List<ActionRule> actionRules;

    private final AuditTrail audit;

    SeparationOfDutiesRules(AuditTrail audit) throws IOException {
        this.audit = audit;
        try (InputStream in = new ClassPathResource("identity/separation-of-duties.yaml").getInputStream()) {
            Map<String, List<Map<String, Object>>> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            this.accountRules = doc.getOrDefault("accountRules", List.of()).stream().map(SeparationOfDutiesRules::accountRule).toList();
            this.actionRules = doc.getOrDefault("actionRules", List.of()).stream().map(SeparationOfDutiesRules::actionRule).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static AccountRule accountRule(Map<String, Object> m) {
        String exclusive = (String) m.get("exclusive");
        List<String> incompatible = (List<String>) m.getOrDefault("incompatible", List.of());
        for (String role : concat(exclusive, incompatible)) {
            if (Role.fromWireName(role).isEmpty()) {
                throw new IllegalStateException("separation-of-duties.yaml: unknown role " + role + " in " + m.get("id"));
            }
        }
        return new AccountRule(required(m, "id"), required(m, "source"), required(m, "description"), exclusive, incompatible);
    }

    private static ActionRule actionRule(Map<String, Object> m) {
        return new ActionRule(required(m, "id"), required(m, "source"), required(m, "description"),
                required(m, "first"), required(m, "second"));
    }

    private static String required(Map<String, Object> m, String key) {
        return (String) Objects.requireNonNull(m.get(key), () -> "separation-of-duties.yaml: " + key + " missing in " + m);
    }

    private static List<String> concat(String one, List<String> more) {
        List<String> all = new ArrayList<>(more);
        if (one != null) {
            all.add(one);
        }
        return all;
    }

    @Override
    public List<AccountRule> accountRules() {
        return accountRules;
    }

    @Override
    public List<ActionRule> actionRules() {
        return actionRules;
    }

    @Override
    public void checkRoles(String username, Set<Role> roles) {
        java.util.Optional<AccountRule> broken = brokenRule(roles);
        if (broken.isPresent()) {
            AccountRule rule = broken.get();
            throw refuse(rule.id(), rule.source(), rule.description(), "account", username);
        }
    }

    /** The first account rule this role set breaks, without recording anything. */
    java.util.Optional<AccountRule> brokenRule(Set<Role> roles) {
        Set<String> names = roles.stream().map(Role::wireName).collect(java.util.stream.Collectors.toSet());
        return accountRules.stream().filter(rule -> rule.exclusiveRole() != null
                ? names.contains(rule.exclusiveRole()) && names.size() > 1
                : rule.incompatibleRoles().stream().filter(names::contains).count() > 1).findFirst();
    }

    @Override
    public void checkActor(String ruleId, String objectType, String objectId, String firstDutyActor) {
        ActionRule rule = actionRules.stream().filter(r -> r.id().equals(ruleId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No separation-of-duties action rule " + ruleId));
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String actor = auth == null ? null : auth.getName();
        if (actor != null && actor.equals(firstDutyActor)) {
            throw refuse(rule.id(), rule.source(), rule.description(), objectType, objectId);
        }
    }

    /** Every refusal is recorded, in its own transaction: the work it refused rolls back. */
    private SeparationOfDutiesViolation refuse(String id, String source, String description, String objectType, String objectId) {
        audit.recordIndependently(AuditEvent.of("request.denied", Access.EXECUTE, objectType, objectId)
                .denied("separation-of-duties rule " + id + " (" + source + "): " + description));
        return new SeparationOfDutiesViolation(id, source, description, objectType, objectId);
    }
}

package org.opsledger.change.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opsledger.shared.ProblemJson;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The change module's own refusals: an illegal transition is 409 problem+json listing the allowed actions. */
@RestControllerAdvice(basePackageClasses = ChangeProblems.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ChangeProblems {

    @ExceptionHandler(IllegalTransition.class)
    ResponseEntity<Map<String, Object>> illegal(IllegalTransition e, HttpServletRequest request) {
        // the service recorded the refusal in the audit trail
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("change", e.number());
        extra.put("state", e.state().wireName());
        extra.put("action", e.action());
        extra.put("allowed", e.allowed());
        return ResponseEntity.status(409).contentType(MediaType.parseMediaType(ProblemJson.MEDIA_TYPE))
                .body(ProblemJson.body(409, "Transition not allowed", e.getMessage(), request.getRequestURI(), extra));
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<Map<String, Object>> concurrent(OptimisticLockingFailureException e, HttpServletRequest request) {
        return ResponseEntity.status(409).contentType(MediaType.parseMediaType(ProblemJson.MEDIA_TYPE))
                .body(ProblemJson.body(409, "Changed concurrently", "The change was changed by someone else; reload and try again",
                        request.getRequestURI(), null));
    }
}

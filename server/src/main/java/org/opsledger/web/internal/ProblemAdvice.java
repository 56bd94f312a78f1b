package org.opsledger.web.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.SeparationOfDutiesViolation;
import org.opsledger.shared.ProblemException;
import org.opsledger.shared.ProblemJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every refusal, in one place: scripts get {@code application/problem+json} (RFC 9457) naming the
 * field or rule; people get an error page. Each refusal is an audit entry written in its own
 * transaction, since the work it refused has rolled back (ECOMP 6.1.6, 6.1.9).
 */
@RestControllerAdvice
class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private final AuditTrail audit;

    ProblemAdvice(AuditTrail audit) {
        this.audit = audit;
    }

    @ExceptionHandler(ProblemException.class)
    Object problem(ProblemException e, HttpServletRequest request) {
        if (!e.isRecorded()) {
            record(request, e.status() == 403 ? "denied" : "failed", e.getMessage());
        }
        return respond(request, e.status(), e.title(), e.getMessage(), e.field() == null ? null : Map.of("field", e.field()));
    }

    @ExceptionHandler(SeparationOfDutiesViolation.class)
    Object separationOfDuties(SeparationOfDutiesViolation e, HttpServletRequest request) {
        // the rules engine has recorded the refusal already
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("rule", e.rule());
        extra.put("source", e.source());
        return respond(request, 403, "Refused by separation of duties", e.getMessage(), extra);
    }

    @ExceptionHandler(AccessDeniedException.class)
    Object accessDenied(AccessDeniedException e, HttpServletRequest request) {
        record(request, "denied", "not permitted for this account's roles");
        return respond(request, 403, "Forbidden", "Your roles do not permit this request", null);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    Object unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        String detail = "The request body is not valid JSON for this endpoint";
        Map<String, Object> extra = null;
        if (e.getCause() instanceof UnrecognizedPropertyException u) {
            detail = "Unknown field '" + u.getPropertyName() + "'";
            extra = Map.of("field", u.getPropertyName());
        }
        record(request, "failed", detail);
        return respond(request, 400, "Invalid request", detail, extra);
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    Object badParameter(Exception e, HttpServletRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName()
                : ((MissingServletRequestParameterException) e).getParameterName();
        String detail = "Parameter '" + name + "' is missing or has the wrong form";
        record(request, "failed", detail);
        return respond(request, 400, "Invalid request", detail, Map.of("field", name));
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    Object tooLarge(MaxUploadSizeExceededException e, HttpServletRequest request) {
        record(request, "failed", "upload too large");
        return respond(request, 413, "Content too large", "The upload is larger than this server accepts", null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    Object method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(request, 405, "Method not allowed", e.getMessage(), null);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    Object mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        record(request, "failed", "unsupported content type");
        return respond(request, 415, "Unsupported media type", "Send application/json", null);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    Object notFound(NoResourceFoundException e, HttpServletRequest request) {
        return respond(request, 404, "Not found", "No such page or endpoint", null);
    }

    @ExceptionHandler(Exception.class)
    Object unexpected(Exception e, HttpServletRequest request) {
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        record(request, "failed", "internal error: " + e.getClass().getSimpleName());
        return respond(request, 500, "Internal error", "Something went wrong on our side; it has been logged", null);
    }

    private void record(HttpServletRequest request, String outcome, String reason) {
        String endpoint = request.getMethod() + " " + request.getRequestURI();
        AuditEvent event = AuditEvent.of(outcome.equals("denied") ? "request.denied" : "request.rejected",
                Access.EXECUTE, "endpoint", endpoint);
        audit.recordIndependently(outcome.equals("denied") ? event.denied(reason) : event.failed(reason));
    }

    private static Object respond(HttpServletRequest request, int status, String title, String detail, Map<String, ?> extra) {
        if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
            return ResponseEntity.status(status).contentType(MediaType.parseMediaType(ProblemJson.MEDIA_TYPE))
                    .body(ProblemJson.body(status, title, detail, request.getRequestURI(), extra));
        }
        ModelAndView page = new ModelAndView("error/problem");
        page.setStatus(HttpStatus.valueOf(status));
        page.addObject("status", status);
        page.addObject("title", title);
        page.addObject("detail", detail);
        return page;
    }
}

package org.opsledger.web.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.ProblemJson;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses oversized request bodies before anything reads them: 413 when the declared length is
 * over the limit, and a read error (400) when an undeclared (chunked) body runs past it. Uploads
 * (multipart) have their own limit, {@code spring.servlet.multipart.max-request-size}; so do XML bodies
 * (scanner results such as {@code nmap -oX} files, read as a stream), {@code opsledger.web.max-xml-body}.
 */
@Component
@Order(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1) // after authentication: the refusal names who sent it
class RequestSizeLimit extends OncePerRequestFilter {

    private final long jsonLimit;
    private final long xmlLimit;
    private final AuditTrail audit;

    RequestSizeLimit(@Value("${opsledger.web.max-json-body:1MB}") DataSize limit,
            @Value("${opsledger.web.max-xml-body:512MB}") DataSize xmlLimit, AuditTrail audit) {
        this.jsonLimit = limit.toBytes();
        this.xmlLimit = xmlLimit.toBytes();
        this.audit = audit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
            chain.doFilter(request, response);
            return;
        }
        boolean xml = type != null && type.toLowerCase(java.util.Locale.ROOT).matches("(application|text)/xml\\b.*");
        long limit = xml ? xmlLimit : jsonLimit;
        if (request.getContentLengthLong() > limit) {
            audit.recordIndependently(AuditEvent.of("request.rejected", Access.EXECUTE, "endpoint",
                    request.getMethod() + " " + request.getRequestURI()).failed("request body of "
                    + request.getContentLengthLong() + " bytes, over the " + limit + "-byte limit"));
            ProblemJson.write(response, 413, "Content too large",
                    "The request body is larger than " + limit + " bytes", request.getRequestURI(), null);
            return;
        }
        chain.doFilter(request.getContentLengthLong() >= 0 ? request : new Limited(request, limit), response);
    }

    /** A request whose body stream fails once it passes the limit. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > limit) {
                        throw new IOException("request body larger than " + limit + " bytes");
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (read += n) > limit) {
                        throw new IOException("request body larger than " + limit + " bytes");
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}

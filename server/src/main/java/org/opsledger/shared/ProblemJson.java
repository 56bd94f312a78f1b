package org.opsledger.shared;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an RFC 9457 problem document where Spring MVC's exception handling does not reach (the
 * security filters). Controllers throw {@link ProblemException} instead.
 */
public final class ProblemJson {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemJson() {
    }

    public static Map<String, Object> body(int status, String title, String detail, String instance, Map<String, ?> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        m.put("title", title);
        m.put("status", status);
        if (detail != null) {
            m.put("detail", detail);
        }
        if (instance != null) {
            m.put("instance", instance);
        }
        if (extra != null) {
            m.putAll(extra);
        }
        return m;
    }

    public static void write(HttpServletResponse response, int status, String title, String detail, String instance,
            Map<String, ?> extra) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body(status, title, detail, instance, extra)));
    }
}

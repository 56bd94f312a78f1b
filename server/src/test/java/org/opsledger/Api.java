package org.opsledger;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the tests: JSON in, status and parsed JSON out. */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String base;
    private final HttpClient http;

    public Api(String base) {
        this(base, null);
    }

    /** A client whose connections come from {@code localAddress} (e.g. 127.0.0.3): another client address. */
    public Api(String base, InetAddress localAddress) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        this.http = (localAddress == null ? builder : builder.localAddress(localAddress)).build();
    }

    /** A response: status, raw body and content type. */
    public record Response(int status, String body, String contentType) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return Api.json(body);
        }

        public Object get(String key) {
            return json().get(key);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) json().get("items");
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(String body) {
        return JSON.readValue(body, Map.class);
    }

    public static String toJson(Object value) {
        return JSON.writeValueAsString(value);
    }

    public Response send(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("User-Agent", "opsledger-tests");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    /** A multipart/form-data POST: text fields and an optional file. */
    public Response multipart(String path, String token, Map<String, String> fields, String fileName, byte[] file) {
        String boundary = "----opsledger" + UUID.randomUUID();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        fields.forEach((k, v) -> out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n").getBytes(utf8)));
        if (file != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(utf8));
            out.writeBytes(file);
            out.writeBytes("\r\n".getBytes(utf8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(utf8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException("POST " + path + ": " + e, e);
        }
    }

    public HttpResponse<byte[]> download(String path, String token) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + ": " + e, e);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Response post(String path, String token, Object body) {
        return send("POST", path, token, "application/json", body instanceof String s ? s : toJson(body));
    }

    public Response put(String path, String token, Object body) {
        return send("PUT", path, token, "application/json", toJson(body));
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    /** A bearer token for a user name and password; fails the test if there is none. */
    public String login(String username, String password) {
        Response r = post("/api/v1/auth/token", null, Map.of("username", username, "password", password));
        if (r.status() != 200) {
            throw new AssertionError("login " + username + ": " + r.status() + " " + r.body());
        }
        return (String) r.get("token");
    }

    public String admin() {
        return login(IntegrationTest.ADMIN, IntegrationTest.ADMIN_PASSWORD);
    }

    /**
     * Creates a person with these roles (as the bootstrap administrator), changes the initial
     * password as the person must, and returns a bearer token for them.
     */
    public String person(String username, String... roles) {
        String initial = "Initial-" + UUID.randomUUID();
        Response created = post("/api/v1/accounts", admin(), Map.of("username", username, "displayName", "Test " + username,
                "kind", "person", "roles", List.of(roles), "password", initial));
        if (created.status() != 201) {
            throw new AssertionError("create " + username + ": " + created.status() + " " + created.body());
        }
        String password = "Chosen-" + UUID.randomUUID();
        Response changed = post("/api/v1/auth/password", null,
                Map.of("username", username, "currentPassword", initial, "newPassword", password));
        if (changed.status() != 204) {
            throw new AssertionError("password change " + username + ": " + changed.status() + " " + changed.body());
        }
        return login(username, password);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

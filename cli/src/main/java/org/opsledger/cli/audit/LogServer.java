package org.opsledger.cli.audit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.opsledger.cli.CliException;
import org.opsledger.cli.SecretFile;
import org.opsledger.vault.IoReason;

/** The few read-only calls the audit commands make to an OpsLedger server, with a bearer token. */
final class LogServer {

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private LogServer(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    static LogServer connect(String url, Path tokenFile) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new CliException("--server must be an http:// or https:// URL, got: " + url, 2);
        }
        if (tokenFile == null) {
            throw new CliException("--token-file is required: the server answers signed-in accounts only", 2);
        }
        return new LogServer(url, SecretFile.read(tokenFile, "token file").strip());
    }

    /** GET {@code path}; the body on 200, else a one-line error naming the status. */
    String get(String path) {
        HttpResponse<String> response = send(path, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        refuseUnlessOk(path, response.statusCode(), response.body());
        return response.body();
    }

    /** GET {@code path} streamed into {@code file} (written whole or not at all); returns its number of lines. */
    long download(String path, Path file) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        HttpResponse<Path> response = send(path, HttpResponse.BodyHandlers.ofFile(partial));
        try {
            if (response.statusCode() != 200) {
                String body = Files.exists(partial) ? Files.readString(partial, StandardCharsets.UTF_8) : "";
                refuseUnlessOk(path, response.statusCode(), body);
            }
            long lines;
            try (var stream = Files.lines(partial, StandardCharsets.UTF_8)) {
                lines = stream.count();
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return lines;
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + IoReason.of(e), 2);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private <T> HttpResponse<T> send(String path, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token).header("User-Agent", "opsledger-cli").GET().build();
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliException("cannot reach " + base + ": connection refused", 3);
        } catch (IOException e) {
            throw new CliException("cannot reach " + base + ": " + e.getMessage(), 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 3);
        }
    }

    private static void refuseUnlessOk(String path, int status, String body) {
        switch (status) {
            case 200 -> {
            }
            case 401 -> throw new CliException("the server refused the token (401): is it valid and unexpired?", 3);
            case 403 -> throw new CliException("the token's account may not read the audit log (403): auditors and security officers may", 3);
            default -> throw new CliException("GET " + path + " answered " + status + ": " + body.lines().findFirst().orElse(""), 3);
        }
    }
}

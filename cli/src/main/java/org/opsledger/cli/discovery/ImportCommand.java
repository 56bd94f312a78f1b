package org.opsledger.cli.discovery;

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
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.SecretFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code opsledger discovery import FILE}: streams an {@code nmap -oX} file to
 * {@code POST /api/v1/discovery/nmap} (the file is never held in memory) and prints what the server
 * did with its hosts.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import an nmap XML scan (nmap -oX FILE) into the inventory: hosts are matched by MAC, hostname, "
                + "then IP; unknown hosts join the unauthorised-asset queue.")
final class ImportCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(index = "0", paramLabel = "FILE", description = "The XML file nmap wrote")
    Path file;

    @Option(names = "--dry-run", description = "Show what the import would do; write nothing")
    boolean dryRun;

    @Option(names = "--server", required = true, description = "The OpsLedger server, e.g. https://opsledger.example")
    String server;

    @Option(names = "--token-file", defaultValue = "${env:OPSLEDGER_TOKEN_FILE}",
            description = "File holding an asset manager's API token (env OPSLEDGER_TOKEN_FILE; or the token itself in "
                    + "env OPSLEDGER_TOKEN)")
    Path tokenFile;

    @Override
    public Integer call() {
        if (!server.startsWith("http://") && !server.startsWith("https://")) {
            throw new CliException("--server must be an http:// or https:// URL, got: " + server, 2);
        }
        if (Files.isDirectory(file)) {
            throw new CliException("cannot read " + file + ": a directory, not an nmap XML file", 2);
        }
        if (!Files.isReadable(file)) {
            throw new CliException("cannot read " + file + ": " + (Files.exists(file) ? "permission denied" : "no such file"), 2);
        }
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        String path = "/api/v1/discovery/nmap" + (dryRun ? "?dryRun=true" : "");
        HttpResponse<String> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(30))
                    .header("Authorization", "Bearer " + token()).header("User-Agent", "opsledger-cli")
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new CliException("cannot reach " + base + ": connection refused", 3);
        } catch (IOException e) {
            throw new CliException("cannot reach " + base + ": " + e.getMessage(), 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 3);
        }
        Map<?, ?> body = parse(response.body());
        switch (response.statusCode()) {
            case 200 -> {
            }
            case 401 -> throw new CliException("the server refused the token (401): is it valid and unexpired?", 3);
            case 403 -> throw new CliException("the token's account may not import scans (403): asset managers may", 3);
            default -> throw new CliException("the server refused the scan (" + response.statusCode() + "): "
                    + (body.get("detail") != null ? body.get("detail") : response.body().lines().findFirst().orElse("")), 1);
        }
        System.out.println((dryRun ? "dry run, nothing written: " : "imported: ") + body.get("hostsUp") + " hosts up, "
                + body.get("matched") + " matched (" + body.get("itemsUpdated") + " items updated), "
                + body.get("queuedNew") + " new unauthorised, " + body.get("queuedAgain") + " already queued, "
                + body.get("ambiguous") + " ambiguous");
        if (Boolean.TRUE.equals(body.get("alreadyImported"))) {
            System.out.println("this file had been imported before");
        }
        System.out.println("scan sha256 " + body.get("sha256"));
        return 0;
    }

    private String token() {
        String env = SecretFile.fromEnvironment("OPSLEDGER_TOKEN");
        if (tokenFile == null) {
            if (env != null && !env.isBlank()) {
                return env.strip();
            }
            throw new CliException("--token-file (or env OPSLEDGER_TOKEN) is required: the server answers signed-in accounts only", 2);
        }
        return SecretFile.read(tokenFile, "token file").strip();
    }

    private static Map<?, ?> parse(String body) {
        try {
            return JSON.readValue(body, Map.class);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}

package org.opsledger.cli.audit;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every audit command that asks a server shares: where it is and the token to show it. */
final class ServerOptions {

    @Option(names = "--server", required = true, description = "The OpsLedger server, e.g. https://opsledger.example")
    String server;

    @Option(names = "--token-file", defaultValue = "${env:OPSLEDGER_TOKEN_FILE}",
            description = "File holding an API token (env OPSLEDGER_TOKEN_FILE): any account for `audit key`, "
                    + "an auditor or security officer for the other commands.")
    Path tokenFile;

    LogServer connect() {
        return LogServer.connect(server, tokenFile);
    }
}

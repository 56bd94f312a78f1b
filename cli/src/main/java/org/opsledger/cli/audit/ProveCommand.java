package org.opsledger.cli.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.InclusionProof;
import org.opsledger.ledger.TreeHasher;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.NoteRejectedException;
import org.opsledger.ledger.note.VerifierKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code opsledger audit prove N}: fetches entry N, the latest checkpoint and the inclusion proof,
 * and checks them here (RFC 9162 2.1.3.2): the entry's own bytes, hashed by this command, lead to
 * the signed root.
 */
@Command(name = "prove", mixinStandardHelpOptions = true,
        description = "Print and check the inclusion proof of entry N (a leaf index) against the latest signed checkpoint.")
final class ProveCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(index = "0", paramLabel = "N", description = "Leaf index of the entry (the `index` of its export line).")
    long index;

    @Mixin
    ServerOptions server;

    @Option(names = "--key", description = "The verifier key you keep; without it the server's key is used (and printed).")
    Path keyFile;

    @Override
    public Integer call() {
        if (index < 0) {
            throw new CliException("N must be a leaf index, 0 or more", 2);
        }
        LogServer log = server.connect();
        VerifierKey key = key(log);
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.open(log.get("/api/v1/audit/checkpoint"), key);
        } catch (NoteRejectedException e) {
            throw new CliException("the server's checkpoint is not signed by " + key.name() + ": " + e.getMessage(), 1);
        }
        if (index >= checkpoint.size()) {
            throw new CliException("entry " + index + " is not covered yet: the latest checkpoint has " + checkpoint.size()
                    + " entries", 1);
        }
        JsonNode line = json(log.get("/api/v1/audit/export?from=" + index + "&to=" + (index + 1)).strip(), "export line");
        if (line.get("index") == null || line.get("index").asLong() != index || line.get("entry") == null) {
            throw new CliException("entry " + index + " is missing from the server's table (its row was deleted?)", 1);
        }
        long entryId = line.get("id").asLong();
        Hash leafHash = new TreeHasher().leafHash(line.get("entry").asString().getBytes(StandardCharsets.UTF_8));
        JsonNode proofJson = json(log.get("/api/v1/audit/proofs/inclusion?index=" + index + "&size=" + checkpoint.size()),
                "inclusion proof");
        List<Hash> path = new ArrayList<>();
        for (JsonNode hash : proofJson.path("path")) {
            path.add(Hash.fromBase64(hash.asString()));
        }
        InclusionProof proof = new InclusionProof(index, checkpoint.size(), path);

        System.out.println("entry       " + index + " (audit entry id " + entryId + ")");
        System.out.println("leaf hash   " + leafHash.base64());
        System.out.println("checkpoint  " + checkpoint.describe());
        System.out.println("proof       " + path.size() + " hashes (RFC 9162 2.1.3)");
        path.forEach(h -> System.out.println("  " + h.base64()));
        if (!Hash.fromBase64(line.get("leafHash").asString()).equals(leafHash)) {
            throw new CliException("entry " + index + " (audit entry id " + entryId + ") was altered: it no longer hashes"
                    + " to the leaf hash the log recorded", 1);
        }
        if (!proof.verify(leafHash, checkpoint.rootHash())) {
            throw new CliException("the proof does not lead from entry " + index + " to the signed root: the entry or"
                    + " the tree was changed", 1);
        }
        System.out.println("ok: entry " + index + " is in the log signed by " + key.encoded());
        return 0;
    }

    private VerifierKey key(LogServer log) {
        try {
            return keyFile != null ? VerifierKey.read(keyFile) : VerifierKey.parse(log.get("/api/v1/audit/key").strip());
        } catch (IOException e) {
            throw VerifyCommand.unreadable(keyFile, e);
        } catch (IllegalArgumentException e) {
            throw new CliException("not a verifier key: " + e.getMessage(), 2);
        }
    }

    private static JsonNode json(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new CliException("the server's " + what + " is not JSON", 1);
        }
    }
}

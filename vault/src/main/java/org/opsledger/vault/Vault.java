package org.opsledger.vault;

import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;

/**
 * Entry point: turns a repository location into a backend and opens or creates the repository there. The backend is the
 * repository's, closed with it, or by the open or init that fails ({@link Repository#open}).
 */
public final class Vault {

    private Vault() {
    }

    /** A local path (its bytes that are not UTF-8 as {@link FileNames} escapes), or s3://bucket/prefix. */
    public static Backend backend(String location) {
        if (location == null || location.isBlank()) {
            throw new VaultException("no repository given: pass --repo PATH|s3://bucket/prefix or set OPSLEDGER_VAULT_REPOSITORY");
        }
        if (location.startsWith("s3://")) {
            return org.opsledger.vault.backend.S3Backend.fromUrl(location);
        }
        if (location.regionMatches(true, 0, "s3:", 0, 3)) { // S3://b/x, s3:/b/x, restic's s3:host/b/x each made a local directory (a helper's)
            throw new VaultException("the repository " + location + " is neither an S3 location nor meant as a local path: write an S3"
                    + " repository as s3://bucket/prefix (lower case, two slashes; the endpoint comes from OPSLEDGER_VAULT_S3_ENDPOINT),"
                    + " a local directory so named as ./" + location);
        }
        // a path given as bytes that are not UTF-8 (the CLI's ExactArguments carries each as its escape) names those bytes:
        // Path.of refused it, "Malformed input or input contains unmappable characters" (an engineer's note)
        return new LocalBackend(FileNames.pathOf(location));
    }

    public static Repository init(String location, char[] password, int iterations, String label) {
        return init(location, password, iterations, label, null);
    }

    /** @param chunkingOf an open repository whose chunking secrets the new one shares (for cheap copies), or null */
    public static Repository init(String location, char[] password, int iterations, String label, Repository chunkingOf) {
        return Repository.init(backend(location), password, iterations, label, chunkingOf);
    }

    public static Repository open(String location, char[] password) {
        return Repository.open(backend(location), password);
    }
}

package org.opsledger.cli.vault;

import org.opsledger.cli.CliException;
import org.opsledger.vault.prune.Pruner;
import picocli.CommandLine.Option;

/**
 * A prune's {@code --max-unused}, as {@code vault prune} and {@code vault forget --prune} take it: the share of a pack's
 * bytes no snapshot needs at which the prune writes its used blobs into a new pack and deletes it. A forget of data that
 * must not be kept pruned at the default 20 % and left it in a pack still mostly in use, decryptable (h1's).
 */
final class MaxUnusedOption {

    /** The default, as a percentage. */
    static final int DEFAULT = (int) Math.round(Pruner.REPACK_THRESHOLD * 100);

    @Option(names = "--max-unused", paramLabel = "PERCENT",
            description = "Repack a pack once this share of its bytes is unused (default 20); 0 repacks every pack with any unused"
                    + " blob, so what was forgotten or taken out by `vault rewrite` leaves the repository.")
    Integer percent;

    /** Whether it was given. */
    boolean given() {
        return percent != null;
    }

    /** The share of unused bytes that repacks a pack, from 0 to 1; a percentage outside 0-100 is a usage error (exit 2). */
    double share() {
        int p = percent == null ? DEFAULT : percent;
        if (p < 0 || p > 100) {
            throw new CliException("--max-unused must be a percentage from 0 to 100, got " + p, 2);
        }
        return p / 100.0;
    }
}

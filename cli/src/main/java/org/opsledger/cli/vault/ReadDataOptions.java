package org.opsledger.cli.vault;

import org.opsledger.cli.CliException;
import picocli.CommandLine.Option;

/** How much pack data {@code check} and {@code repair} read: none, all of it, or a share chosen at random. */
final class ReadDataOptions {

    @Option(names = "--read-data", description = "Read every pack.")
    boolean readData;

    @Option(names = "--read-data-subset", paramLabel = "N%", description = "Read N%% of the packs (at least one), chosen at random each run.")
    String subset;

    @Option(names = "--threads", description = "Parallel pack readers (default ${DEFAULT-VALUE}).", defaultValue = "2")
    int threads;

    /** The share of packs to read, 0 to 100; exit 2 for options that contradict or do not parse. */
    double percent() {
        RepoOptions.checkThreads(threads);
        if (readData && subset != null) {
            throw new CliException("use either --read-data or --read-data-subset", 2);
        }
        if (readData) {
            return 100;
        }
        if (subset == null) {
            return 0;
        }
        // a bare number was read as a percentage: restic reads `10` as 10 bytes of packs, and `1/5` as a fifth part
        double percent;
        try {
            if (!subset.endsWith("%")) {
                throw new NumberFormatException();
            }
            percent = Double.parseDouble(subset.substring(0, subset.length() - 1));
        } catch (NumberFormatException e) {
            throw new CliException("--read-data-subset must be a percentage like 10%, got: " + subset, 2);
        }
        if (!(percent > 0 && percent <= 100)) {
            throw new CliException("--read-data-subset must be more than 0% and at most 100%, got: " + subset, 2);
        }
        return percent;
    }
}

package org.opsledger.cli.vault;

import java.nio.file.Path;
import org.opsledger.cli.SecretFile;
import org.opsledger.vault.WrongPasswordException;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Option;

/**
 * A second repository a command opens beside --repo: a copy's or tier's target ({@link Target}), the repository that keeps
 * a disposed one's copies ({@link CopiesIn}), the one a new repository takes its chunker secrets from ({@link ChunkerSource}).
 * Each has its location, its password (a file or a variable, else --repo's) and the one key slot of it to try (as
 * --key-slot names --repo's: docs/operations.md, "A key slot no entry records"). The roles differ only in their options'
 * names, each declared once below from the same words; they are read, opened and refused here alone, so that the four
 * commands say the same things. dispose and init opened theirs trying every slot, a key derivation each (a lead's note).
 */
abstract sealed class SecondRepositoryOptions permits SecondRepositoryOptions.Target, SecondRepositoryOptions.CopiesIn,
        SecondRepositoryOptions.ChunkerSource {

    /** The words of every role's help, around its own: "Password file of " + what + " (env " + variable + …). */
    private static final String PASSWORD_HELP = "File holding the password of ";
    private static final String PASSWORD_HELP_ENV = " (or env ";
    private static final String PASSWORD_HELP_DEFAULT = "; default: the password of --repo).";
    private static final String SLOT_HELP = "Try only this key slot of ";
    private static final String SLOT_HELP_ENV = " (its ID, or a prefix of at least 4 hex digits only it has; env ";
    private static final String SLOT_HELP_END = "), as --key-slot for --repo.";

    /**
     * A role's names, as its help and errors say them: its location option, its password option and variable, how its key
     * slot is named, and what the repository is called in a sentence ("the target").
     */
    record Names(String location, String passwordOption, String passwordVariable, Repository.SlotNaming slot, String called) {
    }

    private final Names names;
    /** Set by each role's options, as picocli parses them: the location given, or null; its password file, or null. */
    String location;
    Path passwordFile;
    /** The one key slot to try, or null or empty (an unset variable): every slot. */
    String keySlot;

    private SecondRepositoryOptions(Names names) {
        this.names = names;
    }

    Names names() {
        return names;
    }

    /** The location given, or null. */
    final String location() {
        return location;
    }

    /** Whether the repository was named (--to is required; --copies-in and --copy-chunker-params-from are not). */
    final boolean given() {
        return location != null;
    }

    /** Refuses an empty location, as an unset variable gives it: the store's error named --repo. */
    final void checkLocation() {
        RepoOptions.checkLocation(names().location(), location());
    }

    /**
     * Its password: from its password option or variable when either is given, else {@code same}, --repo's. Read before
     * --repo's repository opens, so that a password file that does not read fails nothing half-done.
     */
    final RepoOptions.Password password(RepoOptions.Password same) {
        Names n = names();
        return passwordFile != null || SecretFile.fromEnvironment(n.passwordVariable()) != null
                ? RepoOptions.readPassword(passwordFile, n.passwordVariable(), n.passwordOption()) : same;
    }

    /**
     * The repository opened with {@code password}, {@link #password}'s, reached as {@code repo}'s is (its upload and
     * download limits, this host's cache), trying only the key slot named, when one is. When {@code password} is
     * {@code same}, --repo's, because no password of its own was given, a password no slot opens says so, where "wrong
     * password: no key slot of TARGET opens with it" left the operator to guess (a tester's).
     */
    final Repository open(RepoOptions repo, RepoOptions.Password password, RepoOptions.Password same) {
        Names n = names();
        try {
            return repo.open(location, password, keySlot, n.slot());
        } catch (WrongPasswordException wrong) {
            if (password != same) {
                throw wrong;
            }
            throw new WrongPasswordException(wrong.getMessage() + "; the password of --repo was tried, as neither " + n.passwordOption()
                    + " nor " + n.passwordVariable() + " was given: give " + n.passwordOption() + " with " + n.called() + "'s password");
        }
    }

    /** A copy's or tier's target: --to, --to-password-file, --to-key-slot. */
    static final class Target extends SecondRepositoryOptions {
        private static final String CALLED = "the target";
        private static final String PASSWORD_VARIABLE = "OPSLEDGER_VAULT_TO_PASSWORD";
        private static final String SLOT_VARIABLE = "OPSLEDGER_VAULT_TO_KEY_SLOT";
        static final Names NAMES = new Names("--to", "--to-password-file", PASSWORD_VARIABLE,
                new Repository.SlotNaming("--to-key-slot", SLOT_VARIABLE), CALLED);

        Target() {
            super(NAMES);
        }

        @Option(names = "--to", required = true, paramLabel = "REPO", description = "Target repository: a directory or"
                + " s3://bucket/prefix (tier's: the long-term repository).")
        void location(String given) {
            location = given;
        }

        @Option(names = "--to-password-file", paramLabel = "FILE", description = PASSWORD_HELP + CALLED + PASSWORD_HELP_ENV
                + PASSWORD_VARIABLE + PASSWORD_HELP_DEFAULT)
        void passwordFile(Path given) {
            passwordFile = given;
        }

        @Option(names = "--to-key-slot", paramLabel = "ID", description = SLOT_HELP + CALLED + SLOT_HELP_ENV + SLOT_VARIABLE + SLOT_HELP_END,
                defaultValue = "${env:" + SLOT_VARIABLE + "}")
        void keySlot(String given) {
            keySlot = given;
        }
    }

    /**
     * dispose's repository of the copies kept: --copies-in, --copies-password-file, --copies-key-slot. Its variables are a
     * target's, as it is the repository copy and tier wrote those copies to.
     */
    static final class CopiesIn extends SecondRepositoryOptions {
        private static final String CALLED = "--copies-in";
        private static final String PASSWORD_VARIABLE = "OPSLEDGER_VAULT_TO_PASSWORD";
        private static final String SLOT_VARIABLE = "OPSLEDGER_VAULT_TO_KEY_SLOT";
        static final Names NAMES = new Names("--copies-in", "--copies-password-file", PASSWORD_VARIABLE,
                new Repository.SlotNaming("--copies-key-slot", SLOT_VARIABLE), CALLED);

        CopiesIn() {
            super(NAMES);
        }

        @Option(names = "--copies-in", paramLabel = "REPO", description = "The repository whose copies keep the snapshots still"
                + " retained here (a copy's or tier's target).")
        void location(String given) {
            location = given;
        }

        @Option(names = "--copies-password-file", paramLabel = "FILE", description = PASSWORD_HELP + CALLED + PASSWORD_HELP_ENV
                + PASSWORD_VARIABLE + PASSWORD_HELP_DEFAULT)
        void passwordFile(Path given) {
            passwordFile = given;
        }

        @Option(names = "--copies-key-slot", paramLabel = "ID", description = SLOT_HELP + CALLED + SLOT_HELP_ENV + SLOT_VARIABLE
                + SLOT_HELP_END, defaultValue = "${env:" + SLOT_VARIABLE + "}")
        void keySlot(String given) {
            keySlot = given;
        }
    }

    /** init's source of chunker secrets: --copy-chunker-params-from, --from-password-file, --from-key-slot. */
    static final class ChunkerSource extends SecondRepositoryOptions {
        private static final String CALLED = "--copy-chunker-params-from";
        private static final String PASSWORD_VARIABLE = "OPSLEDGER_VAULT_FROM_PASSWORD";
        private static final String SLOT_VARIABLE = "OPSLEDGER_VAULT_FROM_KEY_SLOT";
        static final Names NAMES = new Names("--copy-chunker-params-from", "--from-password-file", PASSWORD_VARIABLE,
                new Repository.SlotNaming("--from-key-slot", SLOT_VARIABLE), CALLED);

        ChunkerSource() {
            super(NAMES);
        }

        @Option(names = "--copy-chunker-params-from", paramLabel = "REPO",
                description = {"Share this repository's chunker secret and content-ID key (not its data keys), so `copy` and `tier`",
                        "into the new repository move only the blobs it lacks, without re-chunking (as restic's --copy-chunker-params)."})
        void location(String given) {
            location = given;
        }

        @Option(names = "--from-password-file", paramLabel = "FILE", description = PASSWORD_HELP + CALLED + PASSWORD_HELP_ENV
                + PASSWORD_VARIABLE + PASSWORD_HELP_DEFAULT)
        void passwordFile(Path given) {
            passwordFile = given;
        }

        @Option(names = "--from-key-slot", paramLabel = "ID", description = SLOT_HELP + CALLED + SLOT_HELP_ENV + SLOT_VARIABLE
                + SLOT_HELP_END, defaultValue = "${env:" + SLOT_VARIABLE + "}")
        void keySlot(String given) {
            keySlot = given;
        }
    }
}

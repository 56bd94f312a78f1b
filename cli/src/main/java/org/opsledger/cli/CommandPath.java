package org.opsledger.cli;

import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Builds a command line only down the path its arguments name. picocli instantiates and reflects
 * over every subcommand it is given (options, mixins, the classes of their fields), which cost
 * `opsledger vault backup` ≈0.25 s of start-up for the ≈40 commands it never runs
 * (docs/performance.md, "CLI start-up"). When the next argument is not a known subcommand
 * (`--help`, `help`, a typo) every subcommand is built, so usage, help and suggestions are whole.
 */
public final class CommandPath {

    /** A command whose subcommands are built on demand: name → factory, in the order usage lists them. */
    public interface Parent {
        Map<String, Supplier<Object>> subcommands();
    }

    private CommandPath() {
    }

    public static CommandLine build(Object command, String[] args) {
        return build(command, args, 0);
    }

    private static CommandLine build(Object command, String[] args, int depth) {
        CommandLine line = new CommandLine(command);
        if (command instanceof Parent parent) {
            Map<String, Supplier<Object>> subcommands = parent.subcommands();
            String next = depth < args.length ? args[depth] : null;
            Supplier<Object> named = next == null ? null : subcommands.get(next);
            if (named != null) {
                line.addSubcommand(next, build(named.get(), args, depth + 1));
            } else {
                subcommands.forEach((name, factory) -> line.addSubcommand(name, build(factory.get(), new String[0], 0)));
            }
            line.addSubcommand("help", new CommandLine.HelpCommand());
        }
        return line;
    }
}

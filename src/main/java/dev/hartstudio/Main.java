package dev.hartstudio;

import dev.hartstudio.cli.Cli;

/**
 * Entry point of hart-studio.jar. For now every invocation goes to the command line; the UI will
 * take over the no-argument case.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status = new Cli(System.out, System.err).run(args);
        if (status != 0) {
            System.exit(status);
        }
    }
}

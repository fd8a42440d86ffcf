package dev.hartstudio.cli;

/** A malformed command line or prompts file: one sentence for the user, exit status {@link Cli#USAGE}. */
final class UsageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}

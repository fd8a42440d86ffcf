package dev.hartstudio.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the CLI in-process with captured streams. */
record CliRun(int status, String out, String err) {

    static final Path BUNDLE = Path.of("src/test/resources/bundles/tiny-random");
    static final Path GOLDENS = Path.of("src/test/resources/goldens/tiny-random");

    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** For assertion messages. */
    String both() {
        return "status " + status + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
}

package dev.hartstudio;

import dev.hartstudio.cli.Cli;
import dev.hartstudio.cli.StudioLauncher;
import dev.hartstudio.cli.Terminal;

/**
 * Entry point of hart-studio.jar: with no arguments the studio window, otherwise the command line.
 * Exits with the command's status (0 done, 1 failed, 2 usage).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status = args.length == 0
                ? StudioLauncher.system().launch(args, System.err)
                : new Cli(System.out, System.err, Terminal.stderrIsTerminal()).run(args);
        // Exit explicitly: ONNX Runtime and DJL may leave non-daemon threads that would keep the JVM up.
        System.out.flush();
        System.exit(status);
    }
}

package dev.hartstudio.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the process's stderr is an interactive terminal (so a progress bar can redraw in place). */
public final class Terminal {

    private Terminal() {
    }

    /**
     * On Linux, whether file descriptor 2 is a tty or pty; elsewhere Java can only tell whether the
     * process has a console at all, which is the best available guess.
     */
    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }
        return System.console() != null;
    }
}

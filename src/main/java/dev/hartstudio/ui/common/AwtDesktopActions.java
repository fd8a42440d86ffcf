package dev.hartstudio.ui.common;

import java.awt.Desktop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@link DesktopActions} through {@link java.awt.Desktop}, with {@code xdg-open} (Linux) and
 * {@code open}/{@code explorer} as fallbacks where the AWT desktop lacks an action. Blocking: call
 * from the task runner.
 */
public final class AwtDesktopActions implements DesktopActions {

    private static Desktop desktop(Desktop.Action action) {
        if (!java.awt.GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                && Desktop.getDesktop().isSupported(action)) {
            return Desktop.getDesktop();
        }
        return null;
    }

    @Override
    public void open(Path file) throws IOException {
        Desktop d = desktop(Desktop.Action.OPEN);
        if (d != null) {
            d.open(file.toFile());
        } else {
            launch(file);
        }
    }

    @Override
    public void reveal(Path file) throws IOException {
        Desktop d = desktop(Desktop.Action.BROWSE_FILE_DIR);
        if (d != null) {
            d.browseFileDirectory(file.toFile());
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            new ProcessBuilder("explorer.exe", "/select," + file.toAbsolutePath()).start();
        } else if (os.contains("mac")) {
            new ProcessBuilder("open", "-R", file.toAbsolutePath().toString()).start();
        } else {
            open(file.toAbsolutePath().getParent());
        }
    }

    @Override
    public boolean canTrash() {
        return desktop(Desktop.Action.MOVE_TO_TRASH) != null;
    }

    @Override
    public boolean moveToTrash(Path file) {
        Desktop d = desktop(Desktop.Action.MOVE_TO_TRASH);
        return d != null && d.moveToTrash(file.toFile());
    }

    private static void launch(Path file) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String target = file.toAbsolutePath().toString();
        if (os.contains("win")) {
            new ProcessBuilder("cmd", "/c", "start", "", target).start();
        } else if (os.contains("mac")) {
            new ProcessBuilder("open", target).start();
        } else {
            new ProcessBuilder("xdg-open", target).start();
        }
    }
}

package dev.hartstudio.ui.testing;

import dev.hartstudio.ui.common.DesktopActions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Records desktop actions; "trash" moves files into a folder when {@link #trash} is set. */
public final class FakeDesktop implements DesktopActions {

    public final List<String> calls = new ArrayList<>();
    public Path trash;

    @Override
    public void open(Path file) {
        calls.add("open " + file.getFileName());
    }

    @Override
    public void reveal(Path file) {
        calls.add("reveal " + file.getFileName());
    }

    @Override
    public boolean canTrash() {
        return trash != null;
    }

    @Override
    public boolean moveToTrash(Path file) throws IOException {
        calls.add("trash " + file.getFileName());
        Files.createDirectories(trash);
        Files.move(file, trash.resolve(file.getFileName()));
        return true;
    }
}

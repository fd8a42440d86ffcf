package dev.hartstudio.ui.common;

import java.io.IOException;
import java.nio.file.Path;

/** What the operating system does with files: open, show in the file manager, move to the trash. */
public interface DesktopActions {

    /** Opens {@code file} with its default application. */
    void open(Path file) throws IOException;

    /** Shows {@code file} in the file manager (selected where the platform can, else its folder). */
    void reveal(Path file) throws IOException;

    /** Whether {@link #moveToTrash} is available on this platform. */
    boolean canTrash();

    /** Moves {@code file} to the trash; false if it could not. */
    boolean moveToTrash(Path file) throws IOException;
}

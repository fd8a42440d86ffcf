package dev.hartstudio.ui.engine;

import java.nio.file.Path;

/**
 * A bundle the picker offers.
 *
 * @param label what the picker shows
 * @param folder the bundle folder
 */
public record BundleChoice(String label, Path folder) {

    @Override
    public String toString() {
        return label;
    }
}

package dev.hartstudio.persistence.settings;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Reads and writes {@code settings.json} in the data folder. A missing file gives the defaults; an
 * unreadable one is set aside as {@code settings.json.broken} (so nothing is lost) and also gives the
 * defaults, with {@link #lastProblem()} saying why.
 */
public final class SettingsStore {

    /** File name inside the data folder. */
    public static final String FILE = "settings.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path file;
    private String lastProblem;

    public SettingsStore(Path dataFolder) {
        this.file = dataFolder.resolve(FILE);
    }

    /** The settings file. */
    public Path file() {
        return file;
    }

    /** The stored settings, or the defaults. Never throws. */
    public Settings load() {
        lastProblem = null;
        if (!Files.isRegularFile(file)) {
            return Settings.defaults();
        }
        try {
            Settings s = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Settings.class);
            return s == null ? Settings.defaults() : s;
        } catch (IOException | JsonParseException | IllegalArgumentException e) {
            lastProblem = "Settings could not be read (" + e.getMessage() + "); the defaults are used and the old file"
                    + " was kept as " + FILE + ".broken.";
            try {
                Files.move(file, file.resolveSibling(FILE + ".broken"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // The message above still reports the problem; the next save overwrites the file.
            }
            return Settings.defaults();
        }
    }

    /** Writes {@code settings} atomically. */
    public void save(Settings settings) throws IOException {
        AtomicFiles.writeString(file, GSON.toJson(settings));
    }

    /** Why the last {@link #load()} fell back to the defaults, if it did. */
    public Optional<String> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }
}

package dev.hartstudio.persistence.settings;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.hartstudio.persistence.png.AtomicWrite;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.Optional;

/**
 * Reads and writes {@code settings.json} in the data folder. A missing file gives the defaults; a
 * damaged or truncated one is moved aside as {@code settings.json.broken-yyyyMMdd-HHmmss} (never over
 * an earlier one, so nothing is lost) and also gives the defaults, with {@link #lastProblem()} saying
 * so. Saves are atomic and durable; with two processes on one folder the last save wins, whole.
 */
public final class SettingsStore {

    /** File name inside the data folder. */
    public static final String FILE = "settings.json";
    /** The lock file beside it, held while a damaged file is moved or leftovers are removed. */
    public static final String LOCK = ".settings.lock";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path file;
    private final AtomicWrite writer;
    private final Clock clock;
    private String lastProblem;
    private Path movedAside;

    public SettingsStore(Path dataFolder) {
        this(dataFolder, AtomicWrite.standard(), Clock.systemDefaultZone());
    }

    /** A store that writes through {@code writer} and dates moved-aside files with {@code clock}. */
    public SettingsStore(Path dataFolder, AtomicWrite writer, Clock clock) {
        this.file = dataFolder.resolve(FILE);
        this.writer = writer;
        this.clock = clock;
    }

    /** The settings file. */
    public Path file() {
        return file;
    }

    /** The stored settings, or the defaults. Never throws. */
    public Settings load() {
        lastProblem = null;
        movedAside = null;
        Path folder = file.toAbsolutePath().getParent();
        try {
            if (AtomicFiles.hasLeftovers(folder, FILE)) {
                DataLock.holding(folder.resolve(LOCK), () -> AtomicFiles.removeLeftovers(folder, FILE));
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Settings.defaults();
        } catch (CharacterCodingException e) {
            return damaged("it is not UTF-8 text");
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
            return damaged(e.getMessage());
        } catch (IOException e) {
            lastProblem = "The settings file " + file + " could not be read (" + e.getMessage() + "); the defaults"
                    + " are used and the file is left as it is.";
            return Settings.defaults();
        }
    }

    /** Writes {@code settings} atomically. */
    public void save(Settings settings) throws IOException {
        byte[] json = GSON.toJson(settings).getBytes(StandardCharsets.UTF_8);
        Path folder = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw AtomicWrite.failure(file, folder, e);
        }
        // under the lock, so that another process's clean-up never removes this save's temp file
        DataLock.holding(folder.resolve(LOCK), () -> {
            writer.save(file, json);
            return null;
        });
    }

    /** Why the last {@link #load()} fell back to the defaults, if it did. */
    public Optional<String> lastProblem() {
        return Optional.ofNullable(lastProblem);
    }

    /** Where the last {@link #load()} moved a damaged file, if it did. */
    public Optional<Path> movedAside() {
        return Optional.ofNullable(movedAside);
    }

    private static Settings parse(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("it is empty");
        }
        Settings s = GSON.fromJson(text, Settings.class);
        if (s == null) {
            throw new IllegalArgumentException("it holds no settings");
        }
        return s;
    }

    private Settings damaged(String why) {
        String reason = firstLine(why);
        Path folder = file.toAbsolutePath().getParent();
        try {
            movedAside = DataLock.holding(folder.resolve(LOCK), () -> {
                // another process may have moved or replaced it meanwhile
                try {
                    parse(Files.readString(file, StandardCharsets.UTF_8));
                    return null;
                } catch (NoSuchFileException e) {
                    return null;
                } catch (CharacterCodingException | JsonParseException | IllegalArgumentException
                        | IllegalStateException e) {
                    return AtomicFiles.moveAside(file, LocalDateTime.now(clock));
                }
            });
        } catch (IOException e) {
            lastProblem = "The settings file " + file + " is damaged (" + reason + ") and could not be moved aside ("
                    + e.getMessage() + "); the defaults are used until it is fixed or deleted.";
            return Settings.defaults();
        }
        if (movedAside == null) {
            return load();
        }
        lastProblem = "The settings file " + file + " was damaged (" + reason + ") and was moved to " + movedAside
                + "; the defaults are used.";
        return Settings.defaults();
    }

    private static String firstLine(String message) {
        String m = message == null ? "not valid JSON" : message.strip();
        int nl = m.indexOf('\n');
        // "com.google.gson.stream.MalformedJsonException: Unterminated string at ..." without the class
        return (nl < 0 ? m : m.substring(0, nl)).replaceFirst("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]+: ", "");
    }
}

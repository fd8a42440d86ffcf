package dev.hartstudio.persistence.history;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.hartstudio.persistence.settings.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The generation history on disk: {@code history/history.json} (newest first) and one PNG thumbnail
 * per entry in {@code history/thumbs/}. Every change rewrites the JSON file atomically. Thread-safe.
 * A damaged file is set aside as {@code history.json.broken} rather than overwritten.
 */
public final class HistoryStore {

    /** Sub-folder of the data folder. */
    public static final String FOLDER = "history";
    /** The index file inside {@link #FOLDER}. */
    public static final String FILE = "history.json";
    /** Longest side of a stored thumbnail. */
    public static final int THUMBNAIL_SIZE = 160;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path folder;
    private final Path file;
    private final List<HistoryEntry> entries = new ArrayList<>();
    private String lastProblem;
    private boolean loaded;

    public HistoryStore(Path dataFolder) {
        this.folder = dataFolder.resolve(FOLDER);
        this.file = folder.resolve(FILE);
    }

    /** The history folder (thumbnails are relative to it). */
    public Path folder() {
        return folder;
    }

    /** All entries, newest first; reads the file on first use. Never throws. */
    public synchronized List<HistoryEntry> entries() {
        ensureLoaded();
        return List.copyOf(entries);
    }

    /** Why the file could not be read, if it could not. */
    public synchronized Optional<String> lastProblem() {
        ensureLoaded();
        return Optional.ofNullable(lastProblem);
    }

    /**
     * Adds {@code entry} at the front, writing {@code thumbnail} (may be null) scaled down to
     * {@link #THUMBNAIL_SIZE}. Returns the stored entry (with its thumbnail file).
     */
    public synchronized HistoryEntry add(HistoryEntry entry, BufferedImage thumbnail) throws IOException {
        ensureLoaded();
        HistoryEntry stored = entry;
        if (thumbnail != null) {
            String name = "thumbs/" + safeName(entry.id()) + ".png";
            AtomicFiles.write(folder.resolve(name), png(Thumbnails.fit(thumbnail, THUMBNAIL_SIZE)));
            stored = entry.withThumbnailFile(name);
        }
        entries.removeIf(e -> e.id().equals(entry.id()));
        entries.add(0, stored);
        save();
        return stored;
    }

    /** Removes the entry and its thumbnail (the saved image stays); false if there was none. */
    public synchronized boolean delete(String id) throws IOException {
        ensureLoaded();
        Optional<HistoryEntry> found = entries.stream().filter(e -> e.id().equals(id)).findFirst();
        if (found.isEmpty()) {
            return false;
        }
        entries.remove(found.get());
        save();
        if (found.get().thumbnailFile() != null) {
            Files.deleteIfExists(folder.resolve(found.get().thumbnailFile()));
        }
        return true;
    }

    /** The absolute thumbnail path of {@code entry}, if it has one. */
    public Optional<Path> thumbnail(HistoryEntry entry) {
        return entry.thumbnailFile() == null ? Optional.empty() : Optional.of(folder.resolve(entry.thumbnailFile()));
    }

    private void ensureLoaded() {
        if (loaded) {
            return;
        }
        loaded = true;
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            List<HistoryEntry> read = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8),
                    new TypeToken<List<HistoryEntry>>() { }.getType());
            if (read != null) {
                read.stream().filter(e -> e != null && e.id() != null).forEach(entries::add);
            }
        } catch (IOException | JsonParseException | IllegalArgumentException e) {
            lastProblem = "The history could not be read (" + e.getMessage() + "); it starts empty and the old file"
                    + " was kept as " + FILE + ".broken.";
            try {
                Files.move(file, file.resolveSibling(FILE + ".broken"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // Reported above; the next save writes a fresh file.
            }
        }
    }

    private void save() throws IOException {
        AtomicFiles.writeString(file, GSON.toJson(entries));
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String safeName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}

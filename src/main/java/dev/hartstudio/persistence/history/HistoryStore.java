package dev.hartstudio.persistence.history;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.persistence.settings.AtomicFiles;
import dev.hartstudio.persistence.settings.DataLock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The generation history on disk: {@code history/history.json} (newest first) and one PNG thumbnail
 * per entry in {@code history/thumbs/}. Thread-safe, and safe with other processes on the same data
 * folder: every change takes the folder's {@link DataLock} ({@code history/.lock}), reads the file
 * again, merges it with what this store holds by entry id (deleted ids are kept in the file, so that
 * one studio does not bring back what another deleted), and writes the result atomically. Reads
 * notice when another process has written the file.
 *
 * <p>A damaged or truncated file is moved aside as {@code history.json.broken-yyyyMMdd-HHmmss} (never
 * over an earlier one) and {@link #lastProblem()} says so; temp files left by a killed writer are
 * removed at the next open.
 */
public final class HistoryStore {

    /** Sub-folder of the data folder. */
    public static final String FOLDER = "history";
    /** The index file inside {@link #FOLDER}. */
    public static final String FILE = "history.json";
    /** The lock file inside {@link #FOLDER}. */
    public static final String LOCK = ".lock";
    /** Longest side of a stored thumbnail. */
    public static final int THUMBNAIL_SIZE = 160;
    /** How many deleted ids the file remembers (the oldest are forgotten first). */
    static final int MAX_DELETED = 10_000;

    private static final int FORMAT = 2;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Type ENTRIES = new TypeToken<List<HistoryEntry>>() { }.getType();
    private static final Type IDS = new TypeToken<List<String>>() { }.getType();

    private final Path folder;
    private final Path file;
    private final AtomicWrite writer;
    private final Clock clock;
    private List<HistoryEntry> entries = List.of();
    private final Set<String> deleted = new LinkedHashSet<>();
    private String lastProblem;
    private Path movedAside;
    private boolean loaded;
    private Object seen;

    public HistoryStore(Path dataFolder) {
        this(dataFolder, AtomicWrite.standard(), Clock.systemDefaultZone());
    }

    /** A store that writes through {@code writer} and dates moved-aside files with {@code clock}. */
    public HistoryStore(Path dataFolder, AtomicWrite writer, Clock clock) {
        this.folder = dataFolder.resolve(FOLDER);
        this.file = folder.resolve(FILE);
        this.writer = writer;
        this.clock = clock;
    }

    /** The history folder (thumbnails are relative to it). */
    public Path folder() {
        return folder;
    }

    /** The index file. */
    public Path file() {
        return file;
    }

    /** All entries, newest first; reads the file when it is new or another process changed it. Never throws. */
    public synchronized List<HistoryEntry> entries() {
        refresh();
        return entries;
    }

    /** Why the file could not be read or was moved aside, if that happened. */
    public synchronized Optional<String> lastProblem() {
        refresh();
        return Optional.ofNullable(lastProblem);
    }

    /** Where the damaged file was moved, if it was. */
    public synchronized Optional<Path> movedAside() {
        refresh();
        return Optional.ofNullable(movedAside);
    }

    /**
     * Adds {@code entry} at the front, writing {@code thumbnail} (may be null) scaled down to
     * {@link #THUMBNAIL_SIZE}. Returns the stored entry (with its thumbnail file). When this throws
     * (e.g. {@code Could not save .../history.json: the disk is full.}) the file on disk is as before.
     */
    public synchronized HistoryEntry add(HistoryEntry entry, BufferedImage thumbnail) throws IOException {
        Objects.requireNonNull(entry.id(), "entry id");
        createFolder();
        return DataLock.holding(folder.resolve(LOCK), () -> {
            Disk disk = readForChange();
            HistoryEntry stored = entry;
            if (thumbnail != null) {
                String name = "thumbs/" + safeName(entry.id()) + ".png";
                AtomicFiles.write(writer, folder.resolve(name), png(Thumbnails.fit(thumbnail, THUMBNAIL_SIZE)));
                stored = entry.withThumbnailFile(name);
            }
            Set<String> gone = union(disk.deleted, deleted);
            gone.remove(entry.id());
            List<HistoryEntry> merged = new ArrayList<>();
            merged.add(stored);
            merged.addAll(merge(disk.entries, gone, entry.id()));
            write(merged, gone);
            return stored;
        });
    }

    /** Removes the entry and its thumbnail (the saved image stays); false if there was none. */
    public synchronized boolean delete(String id) throws IOException {
        refresh();
        if (!Files.isDirectory(folder)) {
            return false;
        }
        Optional<HistoryEntry> found = DataLock.holding(folder.resolve(LOCK), () -> {
            Disk disk = readForChange();
            List<HistoryEntry> all = merge(disk.entries, union(disk.deleted, deleted), null);
            Optional<HistoryEntry> hit = all.stream().filter(e -> e.id().equals(id)).findFirst();
            if (hit.isPresent()) {
                Set<String> gone = union(disk.deleted, deleted);
                gone.add(id);
                write(all.stream().filter(e -> !e.id().equals(id)).toList(), gone);
            }
            return hit;
        });
        if (found.isEmpty()) {
            return false;
        }
        if (found.get().thumbnailFile() != null) {
            Files.deleteIfExists(folder.resolve(found.get().thumbnailFile()));
        }
        return true;
    }

    /** The absolute thumbnail path of {@code entry}, if it has one. */
    public Optional<Path> thumbnail(HistoryEntry entry) {
        return entry.thumbnailFile() == null ? Optional.empty() : Optional.of(folder.resolve(entry.thumbnailFile()));
    }

    // Reading

    /** What the file holds: the entries, newest first, and the ids deleted. */
    private record Disk(List<HistoryEntry> entries, Set<String> deleted) {
        static final Disk EMPTY = new Disk(List.of(), Set.of());
    }

    /** The file could be read but is not a history: damaged, truncated or something else. */
    private static final class Damaged extends Exception {
        private static final long serialVersionUID = 1L;

        Damaged(String message) {
            super(message);
        }
    }

    private void refresh() {
        Object now = stamp();
        if (loaded && Objects.equals(now, seen)) {
            return;
        }
        loaded = true;
        try {
            if (AtomicFiles.hasLeftovers(folder) || AtomicFiles.hasLeftovers(folder.resolve("thumbs"))) {
                DataLock.holding(folder.resolve(LOCK), () -> {
                    removeLeftovers();
                    return null;
                });
            }
            Disk disk;
            try {
                disk = read();
            } catch (Damaged d) {
                disk = DataLock.holding(folder.resolve(LOCK), this::readForChange);
            }
            deleted.addAll(disk.deleted);
            entries = merge(disk.entries, deleted, null);
            seen = stamp();
        } catch (IOException e) {
            lastProblem = "The history " + file + " could not be read (" + e.getMessage() + "); it is shown as it"
                    + " was and nothing in the file was changed.";
        }
    }

    /**
     * The file as it is now, read while holding the lock: a damaged file is moved aside (what this
     * store holds is kept); a file that cannot be read at all stops the change.
     */
    private Disk readForChange() throws IOException {
        removeLeftovers();
        try {
            return read();
        } catch (Damaged d) {
            if (!Files.exists(file)) {
                return Disk.EMPTY;
            }
            movedAside = AtomicFiles.moveAside(file, LocalDateTime.now(clock));
            lastProblem = "The history file " + file + " was damaged (" + d.getMessage() + ") and was moved to "
                    + movedAside + "; the history " + (entries.isEmpty() ? "starts empty" : "keeps the entries shown")
                    + ".";
            return Disk.EMPTY;
        }
    }

    private Disk read() throws IOException, Damaged {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Disk.EMPTY;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Damaged("it is not UTF-8 text");
        }
        if (text.isBlank()) {
            throw new Damaged("it is empty");
        }
        try {
            JsonElement root = JsonParser.parseString(text);
            List<HistoryEntry> read;
            List<String> gone = null;
            if (root.isJsonArray()) {
                read = GSON.fromJson(root, ENTRIES);
            } else if (root.isJsonObject() && root.getAsJsonObject().get("entries") instanceof JsonArray array) {
                read = GSON.fromJson(array, ENTRIES);
                JsonElement d = root.getAsJsonObject().get("deleted");
                gone = d == null || d.isJsonNull() ? null : GSON.fromJson(d, IDS);
            } else {
                throw new Damaged("it is not a list of entries");
            }
            List<HistoryEntry> valid = read.stream().filter(e -> e != null && e.id() != null).toList();
            Set<String> ids = gone == null ? Set.of()
                    : gone.stream().filter(Objects::nonNull).collect(Collectors.toCollection(LinkedHashSet::new));
            return new Disk(valid, ids);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException | StackOverflowError e) {
            throw new Damaged(e instanceof StackOverflowError ? "it is nested too deeply" : firstLine(e.getMessage()));
        }
    }

    // Writing

    private void write(List<HistoryEntry> merged, Set<String> gone) throws IOException {
        List<String> kept = new ArrayList<>(gone);
        if (kept.size() > MAX_DELETED) {
            kept = kept.subList(kept.size() - MAX_DELETED, kept.size());
        }
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.add("entries", GSON.toJsonTree(merged, ENTRIES));
        root.add("deleted", GSON.toJsonTree(kept, IDS));
        writer.save(file, GSON.toJson(root).getBytes(StandardCharsets.UTF_8));
        entries = List.copyOf(merged);
        deleted.clear();
        deleted.addAll(kept);
        seen = stamp();
    }

    /** The file's entries, then those only this store holds (the file was lost), without the deleted. */
    private List<HistoryEntry> merge(List<HistoryEntry> onDisk, Set<String> gone, String except) {
        List<HistoryEntry> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (List<HistoryEntry> source : List.of(onDisk, entries)) {
            for (HistoryEntry e : source) {
                if (!gone.contains(e.id()) && !e.id().equals(except) && ids.add(e.id())) {
                    out.add(e);
                }
            }
        }
        return List.copyOf(out);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }

    private void removeLeftovers() {
        AtomicFiles.removeLeftovers(folder);
        AtomicFiles.removeLeftovers(folder.resolve("thumbs"));
    }

    private void createFolder() throws IOException {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw AtomicWrite.failure(file, folder, e);
        }
    }

    /** What changes when any process replaces the file: its identity, size and time. */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime());
        } catch (IOException e) {
            return "absent";
        }
    }

    private static String firstLine(String message) {
        String m = message == null ? "not valid JSON" : message.strip();
        int nl = m.indexOf('\n');
        // "com.google.gson.stream.MalformedJsonException: Unterminated string at ..." without the class
        return (nl < 0 ? m : m.substring(0, nl)).replaceFirst("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]+: ", "");
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

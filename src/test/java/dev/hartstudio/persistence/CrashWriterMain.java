package dev.hartstudio.persistence;

import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.png.PngMetadata;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.persistence.settings.SettingsStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The writer that {@code CrashKillTest} kills: on data folder {@code args[0]}, run {@code args[1]},
 * it loops forever over what the studio does after a generation (a history entry with its thumbnail,
 * the settings, the gallery PNG with its metadata) and prints {@code committed <id>} once the history
 * entry is on disk. It prints {@code ready} when its classes are loaded and the stores are open.
 */
public final class CrashWriterMain {

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String run = args[1];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        HistoryStore history = new HistoryStore(data);
        SettingsStore settings = new SettingsStore(data);
        Path gallery = Files.createDirectories(data.resolve("gallery"));
        Settings s = settings.load();
        history.entries();
        // the first image is encoded before "ready", so that the kills fall into the writes, not class loading
        byte[] warm = PngMetadata.bytes(Samples.rgb(32, 0), Samples.metadata("warm", 0, 32));
        out.println("ready " + warm.length);
        for (int i = 0; ; i++) {
            String id = "r" + run + "-" + i;
            history.add(Samples.entry(id), Samples.picture(48, i));
            out.println("committed " + id);
            s = s.withWindowSize(800 + i, 600).withBundleOpened("/bundles/" + id);
            settings.save(s);
            PngMetadata.writeNew(AtomicWrite.standard(), gallery, "hart-" + id, Samples.rgb(32, i),
                    Samples.metadata("a red cube " + id, i, 32));
        }
    }
}

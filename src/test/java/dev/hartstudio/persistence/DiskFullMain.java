package dev.hartstudio.persistence;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.persistence.history.HistoryStore;
import dev.hartstudio.persistence.png.AtomicWrite;
import dev.hartstudio.persistence.png.PngMetadata;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.persistence.settings.SettingsStore;
import dev.hartstudio.testing.FullDisk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs on a small real file system ({@code args[0]}, a 1 MiB tmpfs that {@code RealDiskFullTest}
 * mounts): saves a history, settings and two gallery PNGs, fills the disk, tries each save again,
 * then reads everything back. Prints one {@code key value} line per finding for the test to check.
 */
public final class DiskFullMain {

    private DiskFullMain() {
    }

    static Settings saved() {
        return Settings.defaults().withTheme(Settings.DARK).withBundleOpened("/bundles/tiny").withWindowSize(1000, 700);
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path gallery = Files.createDirectories(data.resolve("gallery"));
        HistoryStore history = new HistoryStore(data);
        SettingsStore settings = new SettingsStore(data);
        settings.save(saved());
        for (String id : new String[] {"a", "b", "c"}) {
            history.add(Samples.entry(id), Samples.picture(64, id.hashCode()));
        }
        for (int i = 0; i < 2; i++) {
            PngMetadata.writeNew(AtomicWrite.standard(), gallery, "hart-" + i, Samples.rgb(32, i),
                    Samples.metadata("p" + i, i, 32));
        }
        byte[] historyBefore = Files.readAllBytes(history.file());

        Path filler = data.resolve("filler");
        long filled = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                filled += block.length;
            }
        } catch (IOException e) {
            System.out.println("filled " + filled + " " + e.getMessage());
        }

        try {
            history.add(Samples.entry("d"), Samples.picture(64, 4));
            System.out.println("history-error none");
        } catch (IOException e) {
            System.out.println("history-error " + e.getMessage());
        }
        try {
            settings.save(Settings.defaults());
            System.out.println("settings-error none");
        } catch (IOException e) {
            System.out.println("settings-error " + e.getMessage());
        }
        try {
            PngMetadata.writeNew(AtomicWrite.standard(), gallery, "hart-new", Samples.rgb(32, 9),
                    Samples.metadata("new", 9, 32));
            System.out.println("png-error none");
        } catch (IOException e) {
            System.out.println("png-error " + e.getMessage());
        }

        HistoryStore reread = new HistoryStore(data);
        System.out.println("history-ids " + reread.entries().stream().map(HistoryEntry::id).collect(Collectors.joining(",")));
        System.out.println("history-problem " + reread.lastProblem().orElse("none"));
        System.out.println("history-unchanged " + java.util.Arrays.equals(historyBefore, Files.readAllBytes(history.file())));
        SettingsStore settingsAgain = new SettingsStore(data);
        System.out.println("settings-kept " + saved().equals(settingsAgain.load()) + " "
                + settingsAgain.lastProblem().orElse("none"));
        try (Stream<Path> files = Files.list(gallery)) {
            int read = 0;
            for (Path png : files.filter(f -> f.getFileName().toString().endsWith(".png")).sorted().toList()) {
                PngMetadata.read(png);
                read++;
            }
            System.out.println("pngs-read " + read);
        }
        System.out.println("leftovers " + (FullDisk.leftovers(data) + FullDisk.leftovers(gallery)
                + FullDisk.leftovers(history.folder()) + FullDisk.leftovers(history.folder().resolve("thumbs"))));

        Files.delete(filler);
        history.add(Samples.entry("d"), Samples.picture(64, 4));
        System.out.println("after-freeing " + new HistoryStore(data).entries().size());
    }
}

package dev.hartstudio.ui.engine;

import dev.hartstudio.bundle.Bundle;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds bundles: the embedded model ({@code assets/models/hart-tiny} beside the working folder or
 * the application), bundles imported into the data folder, and bundles opened before.
 */
public final class BundleLocator {

    /** The embedded model, relative to the working folder or the application folder. */
    public static final String EMBEDDED = "assets/models/hart-tiny";
    /** The random test bundle, used by a development checkout until the embedded model exists. */
    public static final String DEVELOPMENT = "src/test/resources/bundles/tiny-random";

    private final Path workingFolder;
    private final Path appFolder;
    private final Path importedFolder;

    /**
     * @param workingFolder the current folder
     * @param appFolder the folder of the application jar, or null
     * @param importedFolder where "Import bundle…" copies bundles ({@code <data>/bundles})
     */
    public BundleLocator(Path workingFolder, Path appFolder, Path importedFolder) {
        this.workingFolder = workingFolder;
        this.appFolder = appFolder;
        this.importedFolder = importedFolder;
    }

    /** The folder of the running application (its jar's folder and the one above), or null. */
    public static Path applicationFolder() {
        try {
            Path jar = Path.of(BundleLocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? jar.getParent() : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    /** Where imported bundles go. */
    public Path importedFolder() {
        return importedFolder;
    }

    /** Bundle folders to try at start-up, best first: embedded, the last one used, development. */
    public List<Path> startupCandidates(String lastBundle) {
        Set<Path> out = new LinkedHashSet<>(embedded());
        if (lastBundle != null && isBundle(Path.of(lastBundle))) {
            out.add(Path.of(lastBundle).toAbsolutePath().normalize());
        }
        out.addAll(under(DEVELOPMENT));
        return new ArrayList<>(out);
    }

    /** Every bundle the picker offers: embedded, imported, recent, development; no duplicates. */
    public List<BundleChoice> choices(List<String> recent) {
        List<BundleChoice> out = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path p : embedded()) {
            add(out, seen, p, "HART-tiny (embedded)");
        }
        if (importedFolder != null && Files.isDirectory(importedFolder)) {
            try (Stream<Path> s = Files.list(importedFolder)) {
                s.filter(BundleLocator::isBundle).sorted().forEach(p -> add(out, seen, p, p.getFileName() + " (imported)"));
            } catch (IOException ignored) {
                // An unreadable import folder just offers nothing from it.
            }
        }
        for (String r : recent) {
            Path p = Path.of(r);
            if (isBundle(p)) {
                add(out, seen, p, p.getFileName().toString());
            }
        }
        for (Path dev : under(DEVELOPMENT)) {
            add(out, seen, dev, "tiny-random (test bundle, random weights)");
        }
        return out;
    }

    private List<Path> embedded() {
        return under(EMBEDDED);
    }

    /** {@code relative} under the working folder, the application folder and the one above it, where a bundle is. */
    private List<Path> under(String relative) {
        Set<Path> out = new LinkedHashSet<>();
        for (Path base : new Path[] {workingFolder, appFolder, appFolder == null ? null : appFolder.getParent()}) {
            if (base != null && isBundle(base.resolve(relative))) {
                out.add(base.resolve(relative).toAbsolutePath().normalize());
            }
        }
        return new ArrayList<>(out);
    }

    private static void add(List<BundleChoice> out, Set<Path> seen, Path p, String label) {
        Path key = p.toAbsolutePath().normalize();
        if (seen.add(key)) {
            out.add(new BundleChoice(label, key));
        }
    }

    /** Whether {@code folder} looks like a bundle (has a manifest); {@link Bundle#open} validates it. */
    public static boolean isBundle(Path folder) {
        return folder != null && Files.isRegularFile(folder.resolve(Bundle.MANIFEST));
    }

    /**
     * Copies a validated bundle folder into the import folder under its own name (a new name if
     * that exists) and returns the copy.
     */
    public Path importBundle(Path source) throws IOException {
        Files.createDirectories(importedFolder);
        String name = source.getFileName().toString();
        Path target = importedFolder.resolve(name);
        for (int i = 2; Files.exists(target); i++) {
            target = importedFolder.resolve(name + "-" + i);
        }
        Path temp = importedFolder.resolve("." + target.getFileName() + ".importing");
        copyTree(source, temp);
        Files.move(temp, target);
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}

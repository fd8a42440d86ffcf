package dev.hartstudio.ui.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLocatorTest {

    @TempDir
    Path dir;

    private Path bundle(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("manifest.json"), "{}");
        return folder.toAbsolutePath().normalize();
    }

    @Test
    void embeddedModelComesFirstThenTheLastUsed() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path embedded = bundle(work.resolve(BundleLocator.EMBEDDED));
        Path last = bundle(dir.resolve("elsewhere/mine"));
        BundleLocator l = new BundleLocator(work, null, dir.resolve("imported"));
        assertEquals(List.of(embedded, last), l.startupCandidates(last.toString()));
    }

    @Test
    void embeddedModelIsFoundBesideTheApplicationJar() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app/target"));
        Path embedded = bundle(dir.resolve("app").resolve(BundleLocator.EMBEDDED));
        BundleLocator l = new BundleLocator(dir.resolve("cwd"), app, dir.resolve("imported"));
        assertEquals(List.of(embedded), l.startupCandidates(null));
    }

    @Test
    void missingLastBundleIsSkipped() {
        BundleLocator l = new BundleLocator(dir, null, dir.resolve("imported"));
        assertTrue(l.startupCandidates(dir.resolve("gone").toString()).isEmpty());
    }

    @Test
    void importCopiesTheFolderUnderAFreeName() throws Exception {
        Path source = bundle(dir.resolve("src/tiny"));
        Files.writeString(source.resolve("graph.onnx"), "x");
        BundleLocator l = new BundleLocator(dir, null, dir.resolve("imported"));
        Path first = l.importBundle(source);
        Path second = l.importBundle(source);
        assertEquals("tiny", first.getFileName().toString());
        assertEquals("tiny-2", second.getFileName().toString());
        assertEquals("x", Files.readString(second.resolve("graph.onnx")));
        List<BundleChoice> choices = l.choices(List.of());
        assertEquals(List.of("tiny (imported)", "tiny-2 (imported)"), choices.stream().map(BundleChoice::label).toList());
    }

    @Test
    void developmentBundleIsTheLastResort() {
        BundleLocator l = new BundleLocator(Path.of("").toAbsolutePath(), null, dir.resolve("imported"));
        List<Path> candidates = l.startupCandidates(null);
        assertTrue(candidates.get(candidates.size() - 1).endsWith(BundleLocator.DEVELOPMENT));
    }
}

package dev.hartstudio.ui.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.testing.FullDisk;
import dev.hartstudio.ui.testing.FakeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving a finished image into the output folder: a new file every time, whole or not at all. */
class ResultSaverTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T23:45:10Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final FakeEngine engine = new FakeEngine();

    private GenerationResult result() throws Exception {
        return engine.generate(GenerationRequest.simple("a red cube", 7), e -> { }, new GenerationControl());
    }

    @Test
    void theSameNameTwiceGivesASecondFileAndKeepsTheFirst() throws Exception {
        ResultSaver saver = new ResultSaver(CLOCK);
        ResultSaver.Saved first = saver.save(result(), engine.model(), 0, null, dir);
        byte[] firstBytes = Files.readAllBytes(first.file());
        ResultSaver.Saved second = saver.save(result(), engine.model(), 0, null, dir);
        assertNotEquals(first.file(), second.file());
        assertEquals("hart-20261207-234510-7-a-red-cube.png", first.file().getFileName().toString());
        assertEquals("hart-20261207-234510-7-a-red-cube-2.png", second.file().getFileName().toString());
        assertArrayEquals(firstBytes, Files.readAllBytes(first.file()));
        assertEquals(second.file().toAbsolutePath().toString(), second.entry().imageFile());
    }

    @Test
    void aFullDiskSavesNothingAndSaysSo() throws Exception {
        ResultSaver saver = new ResultSaver(CLOCK, new FullDisk(64).writer());
        IOException e = assertThrows(IOException.class, () -> saver.save(result(), engine.model(), 0, null, dir));
        assertTrue(e.getMessage().equals("Could not save " + dir.resolve("hart-20261207-234510-7-a-red-cube.png")
                + ": the disk is full."), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }
}

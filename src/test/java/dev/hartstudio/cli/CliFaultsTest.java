package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.BuildInfo;
import dev.hartstudio.engine.Flavour;
import dev.hartstudio.engine.ProviderResolver;
import dev.hartstudio.persistence.png.GenerationMetadata;
import dev.hartstudio.persistence.png.PngMetadata;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a CLI user sees for a provider that cannot be had and for hostile image inputs: one line, work goes on. */
class CliFaultsTest {

    @TempDir
    Path dir;

    @Test
    void cudaAskedForWhereThereIsNoneRunsOnCpuWithOneLineSayingWhy() throws Exception {
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", "a red circle", "--seed", "7",
                "--out", dir.resolve("out").toString(), "--provider", "cuda");
        assertEquals(0, r.status(), r.both());
        List<String> fallback = r.err().lines().filter(l -> l.startsWith("Running on CPU: ")).toList();
        assertEquals(1, fallback.size(), r.err());
        if (BuildInfo.current().flavour() == Flavour.CPU) {
            assertEquals("Running on CPU: " + ProviderResolver.CPU_BUILD, fallback.get(0));
        }
        GenerationMetadata meta = (GenerationMetadata) PngMetadata.read(dir.resolve("out/7.png"));
        assertEquals(7, meta.seed());
    }

    @Test
    void reconstructRefusesEachHostileImageInOneLineAndReconstructsTheGoodOne() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        Path good = dir.resolve("good.png");
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", good.toFile());
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("reconstruct", "--bundle", BUNDLE.toString(), empty.toString(), text.toString(),
                good.toString(), "--out", out.toString(), "--provider", "cpu");
        assertEquals(Cli.FAILED, r.status(), r.both());
        assertTrue(r.err().contains("empty.png is empty (0 bytes), so it is not an image."), r.err());
        assertTrue(r.err().contains("notes.png is not an image ImageIO can read (unknown format)."), r.err());
        assertTrue(Files.exists(out.resolve("good.metrics.json")), r.both());
    }
}

package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak command on the tiny random bundle: its files and its arithmetic (the real soak is scripts/soak). */
class CliSoakTest {

    @TempDir
    Path dir;

    @Test
    void aShortSoakWritesOneCsvRowPerSampleAPlotAndASummary() throws Exception {
        CliRun r = CliRun.of("soak", "--bundle", BUNDLE.toString(), "--images", "6", "--cancels", "3", "--every", "2",
                "--provider", "cpu", "--out", dir.toString());
        assertEquals(0, r.status(), r.both());
        List<String> csv = Files.readAllLines(dir.resolve("soak.csv"));
        assertEquals(SoakCommand.Sample.HEADER, csv.get(0));
        assertEquals(1 + 4, csv.size(), "a sample before the first image, then at 2, 4, 6");
        assertTrue(csv.get(4).startsWith("6,3,"), csv.get(4));
        JsonObject s = JsonParser.parseString(Files.readString(dir.resolve("soak.json"))).getAsJsonObject();
        assertEquals(6, s.get("images").getAsInt());
        assertEquals(3, s.get("cancels").getAsInt(), "every cancel lands mid-generation");
        assertEquals(0, s.get("cancels_that_finished_anyway").getAsInt());
        assertTrue(s.get("rss_last_mb").getAsDouble() > 10, "RSS is read (Linux)");
        BufferedImage png = ImageIO.read(dir.resolve("soak.png").toFile());
        assertEquals(1100, png.getWidth());
        assertTrue(r.out().startsWith("soak: 6 images + 3 cancels"), r.out());
    }

    @Test
    void theSlopeIsTheLeastSquaresLineAndFlatMeansDriftWithinTwiceTheNoise() {
        double[] x = {100, 200, 300, 400, 500};
        SoakCommand.Fit f = SoakCommand.Fit.of(x, new double[] {10, 12, 14, 16, 18});
        assertEquals(0.02, f.slope(), 1e-12);
        assertEquals(0, f.residualSd(), 1e-12);
        SoakCommand.Fit noisy = SoakCommand.Fit.of(x, new double[] {10, 11, 9, 11, 10});
        assertEquals(0.0, noisy.slope(), 1e-12);
        assertTrue(noisy.residualSd() > 0.8);
        {
            long mb = 1 << 20;
            List<SoakCommand.Sample> growing = List.of(sample(0, 100 * mb), sample(100, 101 * mb),
                    sample(200, 102 * mb), sample(300, 103 * mb), sample(400, 104 * mb));
            JsonObject g = SoakCommand.summary(growing, 400, 0, 300, 1);
            assertEquals(10.0, g.get("rss_slope_mb_per_1000_images").getAsDouble(), 1e-9);
            assertEquals(false, g.get("flat").getAsBoolean(), "1 MB per 100 images with no noise is growth");
            List<SoakCommand.Sample> steady = List.of(sample(0, 100 * mb), sample(100, 101 * mb),
                    sample(200, 100 * mb), sample(300, 101 * mb), sample(400, 100 * mb));
            assertEquals(true, SoakCommand.summary(steady, 400, 0, 300, 1).get("flat").getAsBoolean());
            List<SoakCommand.Sample> warmUpSpike = List.of(sample(100, 120 * mb), sample(200, 100 * mb),
                    sample(300, 100 * mb), sample(400, 100 * mb), sample(500, 100 * mb));
            assertEquals(0.0, SoakCommand.medianSlope(warmUpSpike, SoakCommand.Sample::rss), 1e-12,
                    "one high first sample does not tilt the median slope");
        }
    }

    private static SoakCommand.Sample sample(int images, long rss) {
        return new SoakCommand.Sample(images, 0, images, rss, 0, 0, 0, 0, 0);
    }
}

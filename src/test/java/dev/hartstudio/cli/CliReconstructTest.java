package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static dev.hartstudio.cli.CliRun.GOLDENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliReconstructTest {

    @TempDir
    Path dir;

    @Test
    void writesEveryImageAndTheMetricsAndGoesOnAfterACorruptFile() throws Exception {
        Path corrupt = Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        BufferedImage wide = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        wide.setRGB(10, 10, 0xFF0000);
        Path jpeg = dir.resolve("wide.jpg");
        ImageIO.write(wide, "jpg", jpeg.toFile());
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("reconstruct", "--bundle", BUNDLE.toString(), GOLDENS.resolve("recon_input.png").toString(),
                corrupt.toString(), jpeg.toString(), "--out", out.toString(), "--fit", "pad", "--provider", "cpu");

        assertEquals(Cli.FAILED, r.status(), "one of three failed: " + r.both());
        assertTrue(r.err().contains("broken.png"), r.err());
        assertTrue(r.err().contains("1 of 3 images failed."), r.err());
        for (String name : new String[] {"recon_input", "wide"}) {
            for (String suffix : new String[] {".input.png", ".discrete.png", ".hybrid.png", ".scale1.png", ".scale8.png",
                    ".error-discrete.png", ".error-hybrid.png"}) {
                Path png = out.resolve(name + suffix);
                assertEquals(128, ImageIO.read(png.toFile()).getWidth(), png.toString());
            }
        }
        JsonObject m = JsonParser.parseString(Files.readString(out.resolve("recon_input.metrics.json"))).getAsJsonObject();
        assertEquals(8, m.getAsJsonArray("psnr_per_scale").size());
        for (String key : new String[] {"psnr_discrete", "psnr_hybrid", "ssim_discrete", "ssim_hybrid"}) {
            assertTrue(Double.isFinite(m.get(key).getAsDouble()), key);
        }
        assertEquals(8, m.getAsJsonArray("tokens").size());
        JsonObject wideMetrics = JsonParser.parseString(Files.readString(out.resolve("wide.metrics.json"))).getAsJsonObject();
        assertTrue(wideMetrics.get("fit").getAsString().startsWith("300×200 JPEG"), wideMetrics.get("fit").getAsString());
        assertTrue(wideMetrics.get("fit").getAsString().contains("padded with white"), wideMetrics.get("fit").getAsString());
    }

    @Test
    void theGoldenInputKeepsTheReferenceTokens() throws Exception {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("reconstruct", "--bundle", BUNDLE.toString(), GOLDENS.resolve("recon_input.png").toString(),
                "--out", out.toString(), "--provider", "cpu");
        assertEquals(0, r.status(), r.both());
        JsonObject m = JsonParser.parseString(Files.readString(out.resolve("recon_input.metrics.json"))).getAsJsonObject();
        JsonObject golden = JsonParser.parseString(Files.readString(GOLDENS.resolve("recon.json"))).getAsJsonObject();
        assertEquals(golden.get("tokens"), m.get("tokens"));
    }

    @Test
    void needsAnImageAndAnOutFolder() {
        CliRun none = CliRun.of("reconstruct", "--bundle", BUNDLE.toString(), "--out", dir.toString());
        assertEquals(Cli.USAGE, none.status());
        assertTrue(none.err().contains("reconstruct needs at least one IMAGE"), none.err());
        CliRun noOut = CliRun.of("reconstruct", "--bundle", BUNDLE.toString(), "a.png");
        assertEquals(Cli.USAGE, noOut.status());
        assertTrue(noOut.err().contains("reconstruct needs --out DIR"), noOut.err());
        CliRun badFit = CliRun.of("reconstruct", "a.png", "--out", dir.toString(), "--fit", "zoom");
        assertEquals(Cli.USAGE, badFit.status());
        assertTrue(badFit.err().contains("--fit \"zoom\" is not one of crop, stretch, pad"), badFit.err());
    }
}

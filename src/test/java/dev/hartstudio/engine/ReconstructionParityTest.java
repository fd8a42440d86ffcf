package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.image.FitMode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reconstruction in Java against the Python reference (hart_export.reconstruct) on the tiny random bundle. */
class ReconstructionParityTest {

    static HartEngine engine;

    @BeforeAll
    static void open() throws Exception {
        engine = HartEngine.open(GoldenParityTest.BUNDLE, ExecutionProvider.CPU);
    }

    @AfterAll
    static void close() throws Exception {
        engine.close();
    }

    @Test
    void quantisesToTheReferenceTokensAtEveryScaleWithTheSamePsnr() throws Exception {
        JsonObject want = JsonParser.parseString(Files.readString(GoldenParityTest.GOLDENS.resolve("recon.json"))).getAsJsonObject();
        BufferedImage img = ImageIO.read(GoldenParityTest.GOLDENS.resolve(want.get("input").getAsString()).toFile());
        ReconstructionResult r = engine.reconstruct(img, FitMode.CENTER_CROP, null);
        JsonArray tokens = want.getAsJsonArray("tokens");
        int scales = engine.bundle().manifest().model().scales();
        assertEquals(scales, r.perScale().size());
        for (int k = 0; k < scales; k++) {
            JsonArray ids = tokens.get(k).getAsJsonArray();
            int[] expected = new int[ids.size()];
            for (int n = 0; n < expected.length; n++) {
                expected[n] = ids.get(n).getAsInt();
            }
            assertArrayEquals(expected, r.tokens()[k][0], "scale " + k);
        }
        assertEquals(want.get("psnr_hybrid").getAsDouble(), r.psnrHybrid(), 0.05);
        JsonArray psnr = want.getAsJsonArray("psnr_per_scale");
        for (int k = 0; k < scales; k++) {
            assertEquals(psnr.get(k).getAsDouble(), r.psnrPerScale()[k], 0.05, "PSNR after scale " + k);
        }
        assertEquals(128 * 128, r.errorHybrid().length);
        assertTrue(r.fitDescription().contains("128"));
    }

    @Test
    void reconstructsAnyImageSizeByFittingItToTheModelResolution() throws Exception {
        BufferedImage wide = new BufferedImage(300, 170, BufferedImage.TYPE_INT_RGB);
        ReconstructionResult r = engine.reconstruct(wide, FitMode.CENTER_CROP, null);
        assertEquals(128, r.input().width());
        assertEquals(128, r.hybrid().height());
        assertTrue(r.fitDescription().contains("300"), r.fitDescription());
    }

    @Test
    void aCancelledReconstructionStopsWithCancellation() {
        CancelToken token = new CancelToken();
        token.cancel();
        assertThrows(EngineCancelledException.class,
                () -> engine.reconstruct(new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB), FitMode.STRETCH, token));
    }
}

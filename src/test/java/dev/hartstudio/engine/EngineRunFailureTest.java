package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.testing.SyntheticBundle;
import dev.hartstudio.testing.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine facade with a graph that fails at run time for one input: a copy of the tiny-random
 * bundle whose vae_decoder only accepts a batch of one. A batch of two must fail as one
 * EngineException naming the graph and its inputs, without a hang, and the same engine must then
 * generate a batch of one.
 */
class EngineRunFailureTest {

    @TempDir
    Path dir;

    /** {@code f_hat [N, 16, 8, 8]} to {@code image [1, 3, 128, 128]}: Tile to 768 channels, DepthToSpace 16, Reshape to batch 1. */
    private static void batchOfOneDecoder(Path file) throws Exception {
        TinyOnnx.write(file,
                List.of(TinyOnnx.value("f_hat", TinyOnnx.FLOAT, "N", 16, "h", "w")),
                List.of(TinyOnnx.value("image", TinyOnnx.FLOAT, "N", 3, "H", "W")),
                List.of(new TinyOnnx.Node("Constant", List.of(), List.of("repeats"), Map.of(),
                                Map.of("value_ints", new long[] {1, 48, 1, 1})),
                        new TinyOnnx.Node("Tile", List.of("f_hat", "repeats"), List.of("tiled")),
                        new TinyOnnx.Node("DepthToSpace", List.of("tiled"), List.of("big"), Map.of("blocksize", 16L)),
                        new TinyOnnx.Node("Constant", List.of(), List.of("one"), Map.of(),
                                Map.of("value_ints", new long[] {1, 3, 128, 128})),
                        new TinyOnnx.Node("Reshape", List.of("big", "one"), List.of("image"))));
    }

    private Path bundleWithFailingDecoder() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("bundle"));
        try (Stream<Path> files = Files.list(GoldenParityTest.BUNDLE)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path decoder = copy.resolve("vae_decoder.onnx");
        batchOfOneDecoder(decoder);
        JsonObject manifest = JsonParser.parseString(Files.readString(copy.resolve("manifest.json"))).getAsJsonObject();
        manifest.getAsJsonObject("files").addProperty("vae_decoder.onnx", SyntheticBundle.sha256(Files.readAllBytes(decoder)));
        Files.writeString(copy.resolve("manifest.json"), new GsonBuilder().setPrettyPrinting().create().toJson(manifest));
        return copy;
    }

    private static GenerationRequest request(int batch) {
        List<String> prompts = java.util.Collections.nCopies(batch, "a red circle");
        List<Long> seeds = batch == 1 ? List.of(7L) : List.of(7L, 8L);
        return new GenerationRequest(prompts, seeds, null, null, null, null, false, false, PreviewMode.LATENT_RGB, null);
    }

    @Test
    void aGenerateThatFailsInsideAGraphIsOneSentenceAndTheNextGenerateWorks() throws Exception {
        try (HartEngine engine = HartEngine.open(bundleWithFailingDecoder(), ExecutionProvider.CPU)) {
            for (int attempt = 0; attempt < 2; attempt++) {
                EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
                        EngineException.class, () -> engine.generate(request(2), null, new GenerationControl())));
                assertTrue(e.getMessage().startsWith("The vae_decoder graph (vae_decoder.onnx) failed on inputs "
                        + "f_hat [2, 16, 8, 8]: "), e.getMessage());
                assertTrue(!e.getMessage().contains("\n") && e.getMessage().length() < 600, e.getMessage());
                assertTrue(!(e instanceof EngineCancelledException));
                if (attempt == 0) {
                    System.out.println("engine run failure: " + e.getMessage());
                }

                GenerationResult ok = assertTimeoutPreemptively(Duration.ofSeconds(60),
                        () -> engine.generate(request(1), null, new GenerationControl()));
                assertTrue(ok.complete());
                assertEquals(1, ok.images().size());
                assertEquals(128, ok.images().get(0).width());
            }
        }
    }
}

package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.testing.SyntheticBundle;
import dev.hartstudio.testing.TinyOnnx;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleGraphsTest {

    private static ProviderChoice cpu;

    @TempDir
    Path dir;

    @BeforeAll
    static void openCpu() throws EngineException {
        cpu = new ProviderResolver().resolve(ExecutionProvider.CPU);
    }

    @AfterAll
    static void closeCpu() {
        cpu.close();
    }

    @Test
    void opensEveryGraphOfTheBundle() throws Exception {
        Bundle bundle = Bundle.open(SyntheticBundle.create(dir.resolve("b")).useRealGraphs().dir());
        try (BundleGraphs graphs = BundleGraphs.open(bundle, cpu);
                OnnxTensor latent = OnnxTensor.createTensor(Ort.environment(), new float[][] {{1, 2, 3, 4}});
                OnnxTensor level = OnnxTensor.createTensor(Ort.environment(), new long[][] {{0, 0, 0, 0}});
                OrtSession.Result r = graphs.get(GraphRole.EMBED).run(Map.of("latent", latent, "level", level),
                        new CancelToken())) {
            for (GraphRole role : GraphRole.values()) {
                assertTrue(graphs.has(role), role.key());
            }
            assertEquals(3f, ((float[][]) r.get("x").orElseThrow().getValue())[0][2]);
        }
    }

    @Test
    void missingOptionalGraphIsAbsent() throws Exception {
        SyntheticBundle synthetic = SyntheticBundle.create(dir.resolve("b"));
        synthetic.manifest().getAsJsonObject("graphs").remove("vae_encoder");
        Bundle bundle = Bundle.open(synthetic.useRealGraphs().dir());
        try (BundleGraphs graphs = BundleGraphs.open(bundle, cpu)) {
            assertFalse(graphs.has(GraphRole.VAE_ENCODER));
            assertThrows(IllegalStateException.class, () -> graphs.get(GraphRole.VAE_ENCODER));
        }
    }

    @Test
    void graphThatDisagreesWithManifestNamesItself() throws Exception {
        SyntheticBundle synthetic = SyntheticBundle.create(dir.resolve("b")).useRealGraphs();
        TinyOnnx.identity(synthetic.dir().resolve("diff_mlp.onnx"), TinyOnnx.value("x", TinyOnnx.FLOAT, "N", 4),
                TinyOnnx.value("out", TinyOnnx.FLOAT, "N", 4));
        Bundle bundle = Bundle.open(synthetic.rehash().write().dir());
        EngineException e = assertThrows(EngineException.class, () -> BundleGraphs.open(bundle, cpu));
        assertEquals("diff_mlp.onnx: the graph's inputs are [x], but manifest.json graphs.diff_mlp.inputs declares "
                + "[cemb, t, x].", e.getMessage());
    }

    @Test
    void fp16BundleOnTheCpuIsRefusedNamingTheFp32Bundle() throws Exception {
        SyntheticBundle synthetic = SyntheticBundle.create(dir.resolve("b-fp16")).useRealGraphs();
        synthetic.manifest().addProperty("precision", "fp16");
        synthetic.manifest().addProperty("fp32_bundle", "hart-0.7b-1024px");
        Bundle bundle = Bundle.open(synthetic.write().dir());
        EngineException e = assertThrows(EngineException.class, () -> BundleGraphs.open(bundle, cpu));
        assertEquals("synthetic is an fp16 bundle, which runs only on the CUDA provider, and this machine runs on the "
                + "CPU (CPU requested), so open the fp32 bundle \"hart-0.7b-1024px\" instead.", e.getMessage());
    }

    @Test
    void fp16BundleWithoutAnFp32NameStillSaysWhatToOpen() throws Exception {
        SyntheticBundle synthetic = SyntheticBundle.create(dir.resolve("b-fp16")).useRealGraphs();
        synthetic.manifest().addProperty("precision", "fp16");
        Bundle bundle = Bundle.open(synthetic.write().dir());
        EngineException e = assertThrows(EngineException.class, () -> BundleGraphs.open(bundle, cpu));
        assertTrue(e.getMessage().endsWith("so open the fp32 bundle of the same model instead."), e.getMessage());
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Bundle bundle = Bundle.open(SyntheticBundle.create(dir.resolve("b")).useRealGraphs().dir());
        BundleGraphs graphs = BundleGraphs.open(bundle, cpu);
        graphs.close();
        graphs.close();
    }
}

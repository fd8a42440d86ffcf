package dev.hartstudio.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.hartstudio.testing.SyntheticBundle;
import dev.hartstudio.testing.TinyOnnx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {

    @TempDir
    Path temp;

    private SyntheticBundle synthetic;

    @BeforeEach
    void writeValidBundle() throws IOException {
        synthetic = SyntheticBundle.create(temp.resolve("bundle"));
    }

    @Test
    void validBundleOpensWithEverythingParsed() throws Exception {
        Bundle bundle = Bundle.open(synthetic.dir());
        BundleManifest m = bundle.manifest();
        assertEquals("synthetic", m.name());
        assertEquals(List.of(1, 2), m.model().patchNums());
        assertEquals(2, m.model().finestPatch());
        assertEquals(List.of(6, 3), m.samplingDefaults().topK());
        assertEquals("a red circle", bundle.systemPrompt().orElseThrow());
        assertEquals(SyntheticBundle.V * SyntheticBundle.CV, bundle.codebook().length);
        assertEquals(0.5f, bundle.codebook()[1]);
        assertEquals(2, bundle.schedule().scales().size());
        assertEquals(-1, bundle.schedule().scales().get(1).phiIndex());
        assertEquals(2, bundle.schedule().up().get(0).rows());
        assertEquals(1, bundle.schedule().up().get(0).cols());
        assertEquals(0.6, bundle.schedule().diffusion().vaeScale());
        assertEquals(4, bundle.schedule().rope().invFreq1d().length);
        assertEquals(bundle.folder().resolve("step.onnx"), bundle.graphFile(GraphRole.STEP));
        assertEquals(DType.INT64, bundle.graphSpec(GraphRole.EMBED).input("level").orElseThrow().dtype());
        byte[] manifestBytes = Files.readAllBytes(synthetic.dir().resolve("manifest.json"));
        assertEquals(SyntheticBundle.sha256(manifestBytes), bundle.manifestSha256());
    }

    @Test
    void optionalVaeEncoderMayBeLeftOut() throws Exception {
        synthetic.manifest().getAsJsonObject("graphs").remove("vae_encoder");
        synthetic.write();
        assertFalse(Bundle.open(synthetic.dir()).hasGraph(GraphRole.VAE_ENCODER));
    }

    @Test
    void bundleWithoutSystemPromptHasNone() throws Exception {
        synthetic.manifest().getAsJsonObject("text").add("system_prompt", com.google.gson.JsonNull.INSTANCE);
        synthetic.write();
        assertTrue(Bundle.open(synthetic.dir()).systemPrompt().isEmpty());
    }

    @Test
    void missingManifestIsNotABundle() throws Exception {
        Files.delete(synthetic.dir().resolve("manifest.json"));
        assertEquals("manifest.json is missing from " + synthetic.dir() + ", so it is not a HART bundle folder.",
                failure());
    }

    @Test
    void fileInsteadOfFolderIsRefused() {
        BundleException e = assertThrows(BundleException.class,
                () -> Bundle.open(synthetic.dir().resolve("MODEL_CARD.md")));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    }

    @Test
    void badJsonNamesLineAndColumn() throws Exception {
        Files.writeString(synthetic.dir().resolve("manifest.json"), "{\n  \"format\": \"hart-bundle\",\n  \"name\" 3\n}");
        String message = failure();
        assertTrue(message.startsWith("manifest.json is not valid JSON: expected ':' at line 3, column "), message);
    }

    @Test
    void jsonCommentsAreRefused() throws Exception {
        Files.writeString(synthetic.dir().resolve("manifest.json"), "{ // comment\n}");
        assertTrue(failure().startsWith("manifest.json is not valid JSON: "), failure());
    }

    @Test
    void wrongFormatVersionIsRefused() throws Exception {
        synthetic.manifest().addProperty("format_version", 2);
        synthetic.write();
        assertEquals("manifest.json: format_version is 2, but this app reads format_version 1.", failure());
    }

    @Test
    void wrongFormatIsRefused() throws Exception {
        synthetic.manifest().addProperty("format", "onnx-zoo");
        synthetic.write();
        assertEquals("manifest.json: format is \"onnx-zoo\", expected \"hart-bundle\".", failure());
    }

    @Test
    void missingFieldIsNamed() throws Exception {
        synthetic.model().remove("depth");
        synthetic.write();
        assertEquals("manifest.json: model.depth is missing.", failure());
    }

    @Test
    void wrongFieldTypeIsNamed() throws Exception {
        synthetic.model().addProperty("num_heads", "two");
        synthetic.write();
        assertEquals("manifest.json: model.num_heads must be a positive integer, got \"two\".", failure());
    }

    @Test
    void missingGraphRoleIsNamed() throws Exception {
        synthetic.manifest().getAsJsonObject("graphs").remove("step");
        synthetic.write();
        assertEquals("manifest.json: graphs.step is missing (a required graph role).", failure());
    }

    @Test
    void missingGraphFileIsNamed() throws Exception {
        Files.delete(synthetic.dir().resolve("step.onnx"));
        assertEquals("manifest.json: graphs.step.file \"step.onnx\" does not exist in the bundle folder.", failure());
    }

    @Test
    void fileMissingFromHashListIsNamed() throws Exception {
        synthetic.manifest().getAsJsonObject("files").remove("diff_mlp.onnx");
        synthetic.write();
        assertEquals("manifest.json: files has no sha256 for \"diff_mlp.onnx\" (named by graphs.diff_mlp.file).",
                failure());
    }

    @Test
    void sha256MismatchNamesTheFile() throws Exception {
        Files.writeString(synthetic.dir().resolve("step.onnx"), "tampered");
        String expected = synthetic.manifest().getAsJsonObject("files").get("step.onnx").getAsString();
        String actual = SyntheticBundle.sha256("tampered".getBytes(StandardCharsets.UTF_8));
        assertEquals("step.onnx: sha256 is " + actual + ", but manifest.json files[\"step.onnx\"] says " + expected
                + " (the file is damaged or was changed).", failure());
    }

    @Test
    void sha256MismatchOfParsedFileIsCaught() throws Exception {
        Files.writeString(synthetic.dir().resolve("system_prompt.txt"), "a blue square");
        assertTrue(failure().startsWith("system_prompt.txt: sha256 is "), failure());
    }

    @Test
    void dotDotPathLeavesTheBundle() throws Exception {
        synthetic.graph(GraphRole.STEP).addProperty("file", "../x.onnx");
        synthetic.write();
        assertEquals("manifest.json: graphs.step.file \"../x.onnx\" leaves the bundle folder.", failure());
    }

    @Test
    void absolutePathLeavesTheBundle() throws Exception {
        synthetic.manifest().getAsJsonObject("text").addProperty("tokenizer", "/etc/passwd");
        synthetic.write();
        assertEquals("manifest.json: text.tokenizer \"/etc/passwd\" leaves the bundle folder.", failure());
    }

    @Test
    void windowsAbsolutePathLeavesTheBundle() throws Exception {
        synthetic.graph(GraphRole.EMBED).addProperty("file", "C:\\models\\embed.onnx");
        synthetic.write();
        assertEquals("manifest.json: graphs.embed.file \"C:\\models\\embed.onnx\" leaves the bundle folder.", failure());
    }

    @Test
    void dotDotInFilesMapLeavesTheBundle() throws Exception {
        synthetic.manifest().getAsJsonObject("files").addProperty("../secret", "0".repeat(64));
        synthetic.write();
        assertEquals("manifest.json: files key \"../secret\" leaves the bundle folder.", failure());
    }

    @Test
    void subfolderIsNotAPlainFileName() throws Exception {
        synthetic.graph(GraphRole.STEP).addProperty("file", "graphs/step.onnx");
        synthetic.write();
        assertEquals("manifest.json: graphs.step.file \"graphs/step.onnx\" is not a plain file name "
                + "(bundle files have no folders).", failure());
    }

    @Test
    void symlinkLeavingTheBundleIsRefused() throws Exception {
        Path outside = temp.resolve("outside.onnx");
        Files.writeString(outside, "placeholder for step");
        Path link = synthetic.dir().resolve("step.onnx");
        Files.delete(link);
        Files.createSymbolicLink(link, outside);
        assertEquals("manifest.json: graphs.step.file \"step.onnx\" is a link that leaves the bundle folder.",
                failure());
    }

    @Test
    void manifestLinkLeavingTheBundleIsRefused() throws Exception {
        Path outside = temp.resolve("manifest.json");
        Files.move(synthetic.dir().resolve("manifest.json"), outside);
        Files.createSymbolicLink(synthetic.dir().resolve("manifest.json"), outside);
        assertEquals("manifest.json is a link that leaves the bundle folder.", failure());
    }

    @Test
    void topKLengthMustMatchScales() throws Exception {
        JsonArray topK = new JsonArray();
        topK.add(6);
        synthetic.manifest().getAsJsonObject("sampling_defaults").add("top_k", topK);
        synthetic.write();
        assertEquals("manifest.json: sampling_defaults.top_k has 1 entries, but model.patch_nums has 2 scales "
                + "(one top_k per scale).", failure());
    }

    @Test
    void headDimTimesHeadsMustBeEmbedDim() throws Exception {
        synthetic.model().addProperty("num_heads", 4);
        synthetic.write();
        assertEquals("manifest.json: model.embed_dim is 16, but model.head_dim × model.num_heads is 8 × 4 = 32.",
                failure());
    }

    @Test
    void resolutionMustMatchFinestPatch() throws Exception {
        synthetic.model().addProperty("resolution", 64);
        synthetic.write();
        assertTrue(failure().startsWith("manifest.json: model.resolution is 64, but the last of model.patch_nums"),
                failure());
    }

    @Test
    void promptLengthMustMatchContextTokens() throws Exception {
        synthetic.manifest().getAsJsonObject("text").addProperty("max_prompt_tokens", 5);
        synthetic.write();
        assertEquals("manifest.json: text.max_prompt_tokens is 5, but model.context_tokens is 4.", failure());
    }

    @Test
    void declaredGraphNamesMustMatchTheFormat() throws Exception {
        synthetic.graph(GraphRole.EMBED).getAsJsonArray("inputs").get(1).getAsJsonObject().addProperty("name", "lvl");
        synthetic.write();
        assertEquals("manifest.json: graphs.embed.inputs are [latent, lvl], but format 1 expects [latent, level].",
                failure());
    }

    @Test
    void aStepWithOneCacheTensorPerBlockOpensLikeTheStackedOne() throws Exception {
        declareCachePerBlock(1);
        var spec = Bundle.open(synthetic.dir()).manifest().graphs().get(GraphRole.STEP);
        assertEquals(List.of("x", "cos", "sin", "ada", "head_ada", "past_k_0", "past_v_0"),
                spec.inputs().stream().map(TensorSpec::name).toList());
        assertEquals(List.of("hidden", "logits", "present_k_0", "present_v_0"),
                spec.outputs().stream().map(TensorSpec::name).toList());
    }

    @Test
    void aCacheTensorPerBlockMustMatchTheModelDepth() throws Exception {
        declareCachePerBlock(2);
        assertEquals("manifest.json: graphs.step.inputs are [x, cos, sin, ada, head_ada, past_k_0, past_v_0, past_k_1, "
                + "past_v_1], but format 1 expects [x, cos, sin, ada, head_ada, past_k_0, past_v_0].", failure());
    }

    @Test
    void unknownDtypeIsNamed() throws Exception {
        JsonObject io = synthetic.graph(GraphRole.EMBED).getAsJsonArray("inputs").get(0).getAsJsonObject();
        io.addProperty("dtype", "complex64");
        synthetic.write();
        assertEquals("manifest.json: graphs.embed.inputs[0].dtype is \"complex64\", which is not a known element type.",
                failure());
    }

    @Test
    void codebookShapeMustMatchModel() throws Exception {
        Npy.writeFloat32(synthetic.dir().resolve("codebook.npy"), new int[] {3, 4}, new float[12]);
        synthetic.rehash().write();
        assertEquals("codebook.npy: holds <f4 [3, 4], but manifest.json model says [V, Cv] = [8, 4] float32.", failure());
    }

    @Test
    void scheduleMustMatchPatchNums() throws Exception {
        Path file = synthetic.dir().resolve("schedule.json");
        String json = Files.readString(file).replaceFirst("\"patch_nums\":\\[1,2\\]", "\"patch_nums\":[1,3]");
        Files.writeString(file, json);
        synthetic.rehash().write();
        assertEquals("schedule.json: patch_nums is [1, 3], but manifest.json model.patch_nums is [1, 2].", failure());
    }

    @Test
    void scheduleStepsMustMatchDiffusionSteps() throws Exception {
        synthetic.manifest().getAsJsonObject("sampling_defaults").addProperty("diffusion_steps", 4);
        synthetic.write();
        assertEquals("schedule.json: diffusion.timesteps has 8 steps, but manifest.json "
                + "sampling_defaults.diffusion_steps is 4.", failure());
    }

    @Test
    void invalidHashTextIsNamed() throws Exception {
        synthetic.manifest().getAsJsonObject("files").addProperty("step.onnx", "abc");
        synthetic.write();
        assertEquals("manifest.json: files[\"step.onnx\"] must be 64 hex digits (a sha256), got \"abc\".", failure());
    }

    @Test
    void arraysAreExposedInCOrder() throws Exception {
        Bundle bundle = Bundle.open(synthetic.dir());
        Schedule.Matrix down = bundle.schedule().down().get(0);
        assertArrayEquals(new double[] {1.0, 0.25}, down.data());
        assertEquals(0.25, down.get(0, 1));
    }

    /** The step graph declared with one cache input and output per block for {@code depth} blocks. */
    private void declareCachePerBlock(int depth) throws IOException {
        JsonObject step = synthetic.graph(GraphRole.STEP);
        step.add("inputs", SyntheticBundle.tensors(GraphRole.stepInputsPerBlock(depth)));
        step.add("outputs", SyntheticBundle.tensors(GraphRole.stepOutputsPerBlock(depth)));
        synthetic.write();
    }

    @Test
    void graphWithExternalDataOpensWhenItsDataFileIsListed() throws Exception {
        Files.write(synthetic.dir().resolve("step.onnx.data"), new byte[64]);
        TinyOnnx.appendExternalInitializer(synthetic.dir().resolve("step.onnx"), "w", "step.onnx.data", 32, 32);
        synthetic.rehash().write();
        assertEquals(synthetic.dir().toRealPath().resolve("step.onnx"), Bundle.open(synthetic.dir()).graphFile(GraphRole.STEP));
    }

    @Test
    void externalDataPathThatLeavesTheBundleIsRefused() throws Exception {
        Files.write(temp.resolve("outside.data"), new byte[64]);
        TinyOnnx.appendExternalInitializer(synthetic.dir().resolve("step.onnx"), "w", "../outside.data", 0, 64);
        synthetic.rehash().write();
        assertEquals("step.onnx keeps tensor \"w\" in \"../outside.data\", which leaves the bundle folder (external data "
                + "must be a plain file name beside the graph).", failure());
    }

    @Test
    void missingExternalDataFileIsRefused() throws Exception {
        TinyOnnx.appendExternalInitializer(synthetic.dir().resolve("vae_decoder.onnx"), "conv.w", "vae_decoder.onnx.data", 0, 64);
        synthetic.rehash().write();
        assertEquals("vae_decoder.onnx keeps tensor \"conv.w\" in \"vae_decoder.onnx.data\", which is missing from the "
                + "bundle folder.", failure());
    }

    @Test
    void externalDataFileWithoutAHashIsRefused() throws Exception {
        synthetic.rehash();
        Files.write(synthetic.dir().resolve("step.onnx.data"), new byte[64]);
        TinyOnnx.appendExternalInitializer(synthetic.dir().resolve("step.onnx"), "w", "step.onnx.data", 0, 64);
        synthetic.manifest().getAsJsonObject("files").addProperty("step.onnx",
                SyntheticBundle.sha256(Files.readAllBytes(synthetic.dir().resolve("step.onnx"))));
        synthetic.write();
        assertEquals("step.onnx keeps tensor \"w\" in \"step.onnx.data\", but manifest.json files has no sha256 for that "
                + "file.", failure());
    }

    @Test
    void externalDataBeyondTheEndOfItsFileIsRefused() throws Exception {
        Files.write(synthetic.dir().resolve("step.onnx.data"), new byte[64]);
        TinyOnnx.appendExternalInitializer(synthetic.dir().resolve("step.onnx"), "w", "step.onnx.data", 48, 32);
        synthetic.rehash().write();
        assertEquals("step.onnx keeps tensor \"w\" in \"step.onnx.data\" at bytes 48 to 80, past the end of that 64-byte "
                + "file.", failure());
    }

    private String failure() {
        return assertThrows(BundleException.class, () -> Bundle.open(synthetic.dir())).getMessage();
    }
}

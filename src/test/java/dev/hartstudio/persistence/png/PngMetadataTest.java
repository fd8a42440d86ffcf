package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.png.GenerationMetadata.BranchInfo;
import dev.hartstudio.persistence.png.GenerationMetadata.StageTimes;
import dev.hartstudio.persistence.png.PngChunks.Chunk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngMetadataTest {

    static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    static GenerationMetadata sample(String prompt) {
        return sample(prompt, null);
    }

    static GenerationMetadata sample(String prompt, BranchInfo branch) {
        return new GenerationMetadata(prompt, 42, 1, 2, 4.5, List.of(600, 600, 600, 600, 600, 600, 600, 300), 0.0,
                true, false, false, "LATENT_RGB", branch, 8, -1, 8, 128, 128, "tiny-random-s0", SHA, "CPU", "1.29.0",
                "hart-rng-v1", "0.1.0-SNAPSHOT",
                new StageTimes(1_000, List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), Collections.nCopies(8, 9L), 10, 11, 12,
                        13_000));
    }

    static RgbImage image() {
        int[] px = new int[128 * 128];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xFF000000 | (i * 7919) & 0xFFFFFF;
        }
        return new RgbImage(128, 128, px);
    }

    @Test
    void writeThenReadGivesEqualMetadata() throws Exception {
        GenerationMetadata m = sample("a red cube on a blue floor",
                new BranchInfo(2, 7, List.of(List.of(5), List.of(1, 2, 3, 4))));
        Path file = dir.resolve("a.png");
        PngMetadata.write(file, image(), m);
        assertEquals(m, PngMetadata.read(file));
    }

    @Test
    void aBranchOfABranchKeepsItsChainOfBranchPoints() throws Exception {
        GenerationMetadata m = sample("a red cube", new BranchInfo(4, 7, List.of(List.of(5), List.of(1, 2, 3, 4)),
                List.of(new GenerationMetadata.BranchPoint(3, 21), new GenerationMetadata.BranchPoint(1, 31))));
        Path file = dir.resolve("chain.png");
        PngMetadata.write(file, image(), m);
        assertEquals(m, PngMetadata.read(file));
    }

    @Test
    void theImageItselfIsUnchanged() throws Exception {
        Path file = dir.resolve("a.png");
        RgbImage image = image();
        PngMetadata.write(file, image, sample("x"));
        assertArrayEquals(image.argb(), RgbImage.of(ImageIO.read(file.toFile())).argb());
    }

    @Test
    void nonAsciiPromptsRoundTripInTheJsonChunk() throws Exception {
        GenerationMetadata m = sample("café au lait, 中文提示, emoji 🎨, \"quotes\" and \\ backslash\nsecond line");
        Path file = dir.resolve("u.png");
        PngMetadata.write(file, image(), m);
        assertEquals(m, PngMetadata.read(file));
        assertEquals(InfoText.of(m).format(), PngMetadata.readTexts(file).get(PngMetadata.PARAMETERS));
    }

    @Test
    void theParametersTextIsA1111Infotext() throws Exception {
        Path file = dir.resolve("a.png");
        PngMetadata.write(file, image(), sample("a red cube"));
        assertEquals("a red cube\nNegative prompt: \n"
                + "Steps: 16, Sampler: HART, CFG scale: 4.5, Seed: 42, Size: 128x128, Model hash: 0123456789, "
                + "Model: tiny-random-s0", PngMetadata.readTexts(file).get(PngMetadata.PARAMETERS));
    }

    @Test
    void textChunksComeBeforeTheImageData() throws Exception {
        Path file = dir.resolve("a.png");
        PngMetadata.write(file, image(), sample("x"));
        List<String> types = PngChunks.split(Files.readAllBytes(file)).stream().map(Chunk::type).toList();
        assertEquals("IHDR", types.get(0));
        assertTrue(types.indexOf("iTXt") < types.indexOf("IDAT"), types.toString());
        assertTrue(types.indexOf("tEXt") < types.indexOf("IDAT"), types.toString());
        assertEquals("IEND", types.get(types.size() - 1));
    }

    @Test
    void largeMetadataIsCompressedAndRoundTrips() throws Exception {
        List<List<Integer>> tokens = new ArrayList<>();
        for (int s = 1; s <= 7; s++) {
            List<Integer> scale = new ArrayList<>();
            for (int i = 0; i < s * s * 40; i++) {
                scale.add((i * 37 + s) % 768);
            }
            tokens.add(scale);
        }
        GenerationMetadata m = sample("big", new BranchInfo(7, 3, tokens));
        assertTrue(MetadataJson.write(m).length() > PngMetadata.COMPRESS_ABOVE);
        Path file = dir.resolve("big.png");
        PngMetadata.write(file, image(), m);
        assertEquals(m, PngMetadata.read(file));
        byte[] itxt = chunk(Files.readAllBytes(file), "iTXt", PngMetadata.HART_STUDIO);
        assertEquals(1, itxt[PngMetadata.HART_STUDIO.length() + 1], "compression flag");
    }

    @Test
    void anA1111PngIsParsed() throws Exception {
        Path file = dir.resolve("sd.png");
        Files.write(file, PngMetadata.encode(image(), List.of(PngChunks.text("parameters", InfoTextTest.A1111))));
        InfoText text = assertInstanceOf(InfoText.class, PngMetadata.read(file));
        assertEquals("masterpiece, best quality, 1girl\nsmiling", text.prompt());
        assertEquals("lowres, bad anatomy", text.negativePrompt());
        assertEquals(20, text.steps());
        assertEquals("DPM++ 2M", text.sampler());
        assertEquals(7.0, text.cfgScale());
        assertEquals(1234567890L, text.seed());
        assertEquals(512, text.width());
        assertEquals("v1-5-pruned-emaonly", text.model());
        assertEquals("v1.10.1", text.other().get("Version"));
    }

    @Test
    void anA1111PngWithNonLatinPromptInITxtIsParsed() throws Exception {
        Path file = dir.resolve("sd.png");
        String infotext = "一只猫\nNegative prompt: 狗\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 64x64";
        Files.write(file, PngMetadata.encode(image(), List.of(PngMetadata.parametersChunk(infotext))));
        InfoText text = assertInstanceOf(InfoText.class, PngMetadata.read(file));
        assertEquals("一只猫", text.prompt());
        assertEquals("狗", text.negativePrompt());
        assertEquals("Euler a", text.sampler());
    }

    @Test
    void zTxtChunksAreReadToo() throws Exception {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        data.writeBytes("parameters".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        data.write(0);
        try (var z = new java.util.zip.DeflaterOutputStream(data)) {
            z.write("Steps: 1".getBytes(StandardCharsets.ISO_8859_1));
        }
        Path file = dir.resolve("z.png");
        Files.write(file, PngMetadata.encode(image(), List.of(new Chunk("zTXt", data.toByteArray()))));
        assertEquals("Steps: 1", PngMetadata.readTexts(file).get("parameters"));
    }

    @Test
    void theJsonChunkIsPreferredOverTheParametersText() throws Exception {
        Path file = dir.resolve("both.png");
        PngMetadata.write(file, image(), sample("from json"));
        assertInstanceOf(GenerationMetadata.class, PngMetadata.read(file));
    }

    @Test
    void aPngWithoutParametersSaysSo() throws Exception {
        Path file = dir.resolve("plain.png");
        ImageIO.write(image().toBufferedImage(), "png", file.toFile());
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertEquals("plain.png has no generation parameters.", e.getMessage());
    }

    @Test
    void invalidJsonIsReportedWithLineAndColumnNotGuessedAround() throws Exception {
        Path file = dir.resolve("x.png");
        Files.write(file, PngMetadata.encode(image(), List.of(PngChunks.text("parameters", InfoTextTest.A1111),
                PngChunks.internationalText(PngMetadata.HART_STUDIO, "{\"prompt\" 1}", false))));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertTrue(e.getMessage().startsWith("x.png: the hart-studio metadata is not valid JSON at line 1 column "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(" (expected ':')."), e.getMessage());
    }

    @Test
    void aMissingJsonFieldIsNamed() throws Exception {
        String json = MetadataJson.write(sample("p")).replace("\"seed\":42,", "");
        Path file = dir.resolve("x.png");
        Files.write(file, PngMetadata.encode(image(),
                List.of(PngChunks.internationalText(PngMetadata.HART_STUDIO, json, false))));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertEquals("x.png: the hart-studio metadata has no \"seed\".", e.getMessage());
    }

    @Test
    void aDamagedBranchChainIsNamed() throws Exception {
        GenerationMetadata m = sample("p", new BranchInfo(4, 7, List.of(List.of(5)),
                List.of(new GenerationMetadata.BranchPoint(3, 21))));
        for (String[] c : new String[][] {
            {"{\"from_scale\":3,\"seed\":21}", "7", "x.png: the hart-studio metadata: branch.parents[0] is not an object."},
            {"\"seed\":21}", "\"seed\":\"x\"}",
                "x.png: the hart-studio metadata has \"branch.parents[0].seed\" \"x\", which is not a whole number."}}) {
            String json = MetadataJson.write(m).replace(c[0], c[1]);
            Path file = dir.resolve("x.png");
            Files.write(file, PngMetadata.encode(image(),
                    List.of(PngChunks.internationalText(PngMetadata.HART_STUDIO, json, false))));
            assertEquals(c[2], assertThrows(MetadataException.class, () -> PngMetadata.read(file)).getMessage());
        }
    }

    @Test
    void aJsonFieldOfTheWrongTypeIsNamed() throws Exception {
        String json = MetadataJson.write(sample("p")).replace("\"top_k\":[600,", "\"top_k\":[\"six hundred\",");
        Path file = dir.resolve("x.png");
        Files.write(file, PngMetadata.encode(image(),
                List.of(PngChunks.internationalText(PngMetadata.HART_STUDIO, json, false))));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertEquals("x.png: the hart-studio metadata has \"top_k[0]\" \"six hundred\", which is not a whole number.",
                e.getMessage());
    }

    @Test
    void aNewerFormatVersionIsRefused() throws Exception {
        String json = MetadataJson.write(sample("p")).replace("\"format_version\":1", "\"format_version\":2");
        Path file = dir.resolve("x.png");
        Files.write(file, PngMetadata.encode(image(),
                List.of(PngChunks.internationalText(PngMetadata.HART_STUDIO, json, false))));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertTrue(e.getMessage().startsWith("x.png: the hart-studio metadata is format version 2"), e.getMessage());
    }

    @Test
    void aTruncatedPngIsReported() throws Exception {
        Path whole = dir.resolve("whole.png");
        PngMetadata.write(whole, image(), sample("p"));
        byte[] bytes = Files.readAllBytes(whole);
        Path file = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length - 20));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertTrue(e.getMessage().startsWith("cut.png is truncated: its IDAT chunk at byte "), e.getMessage());
    }

    @Test
    void aPngCutBeforeIendIsReported() throws Exception {
        Path whole = dir.resolve("whole.png");
        PngMetadata.write(whole, image(), sample("p"));
        byte[] bytes = Files.readAllBytes(whole);
        Path file = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length - 12));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertEquals("cut.png is truncated: it ends at byte " + (bytes.length - 12) + " without an IEND chunk.",
                e.getMessage());
    }

    @Test
    void aDamagedTextChunkIsReported() throws Exception {
        Path file = dir.resolve("bad.png");
        PngMetadata.write(file, image(), sample("p"));
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, "Sampler: HART".getBytes(StandardCharsets.ISO_8859_1));
        bytes[at] = 's';
        Files.write(file, bytes);
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.read(file));
        assertTrue(e.getMessage().matches("bad\\.png is damaged: the CRC of its tEXt chunk at byte \\d+ does not match\\."),
                e.getMessage());
    }

    @Test
    void aFileThatIsNotAPngIsReported() throws Exception {
        Path file = Files.writeString(dir.resolve("x.png"), "GIF89a");
        assertEquals("x.png is not a PNG file.",
                assertThrows(MetadataException.class, () -> PngMetadata.read(file)).getMessage());
        assertEquals("gone.png does not exist.", assertThrows(MetadataException.class,
                () -> PngMetadata.read(dir.resolve("gone.png"))).getMessage());
    }

    @Test
    void metadataOfAnotherSizeIsRefused() {
        RgbImage small = new RgbImage(1, 1, new int[] {0xFF000000});
        assertThrows(IllegalArgumentException.class, () -> PngMetadata.write(dir.resolve("a.png"), small, sample("p")));
    }

    @Test
    void writingIntoAMissingFolderFailsClearlyAndCreatesNothing() {
        Path file = dir.resolve("missing").resolve("a.png");
        Exception e = assertThrows(java.io.IOException.class, () -> PngMetadata.write(file, image(), sample("p")));
        assertEquals("Could not save " + file + ": the folder " + file.getParent() + " does not exist.", e.getMessage());
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void overwritingReplacesTheWholeFile() throws Exception {
        Path file = dir.resolve("a.png");
        PngMetadata.write(file, image(), sample("first"));
        PngMetadata.write(file, image(), sample("second"));
        assertEquals("second", PngMetadata.read(file).prompt());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void sampleIsNotEqualWhenAFieldDiffers() {
        assertNotEquals(sample("a"), sample("b"));
    }

    /** Data of the first chunk of {@code type} whose keyword is {@code keyword}. */
    static byte[] chunk(byte[] png, String type, String keyword) {
        for (Chunk c : PngChunks.split(png)) {
            if (c.type().equals(type) && new String(c.data(), StandardCharsets.ISO_8859_1).startsWith(keyword + "\0")) {
                return c.data();
            }
        }
        throw new AssertionError("no " + type + " " + keyword);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}

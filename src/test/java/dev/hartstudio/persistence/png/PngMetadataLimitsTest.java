package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.png.PngChunks.Chunk;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explicit limits of the PNG metadata reader, one hostile file each, with the sentence it gives. */
class PngMetadataLimitsTest {

    @TempDir
    Path dir;

    private static final String JSON = MetadataJson.write(PngMetadataTest.sample("a cube"));

    private Path png(Chunk... extra) throws Exception {
        Path file = dir.resolve("x.png");
        Files.write(file, PngMetadata.encode(PngMetadataTest.image(), List.of(extra)));
        return file;
    }

    private static Chunk json(String text) {
        return PngChunks.internationalText(PngMetadata.HART_STUDIO, text, true);
    }

    private static String refusal(Path file) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(MetadataException.class, () -> PngMetadata.read(file))).getMessage();
    }

    @Test
    void aZipBombInTheJsonChunkStopsAtOneMebibyte() throws Exception {
        byte[] bomb = PngMetadataFuzzTest.deflate(new byte[100_000_000]);
        int at = 33;   // after IHDR
        assertEquals("x.png: its iTXt chunk \"hart-studio\" at byte " + at + " holds more than 1024 KiB of text once "
                + "decompressed, more than this app reads.",
                refusal(png(PngMetadataFuzzTest.iTextRaw(PngMetadata.HART_STUDIO, bomb))));
    }

    @Test
    void aZipBombOfAnotherToolIsSkippedAndTheParametersStillRead() throws Exception {
        byte[] bomb = PngMetadataFuzzTest.deflate(new byte[100_000_000]);
        Path file = png(PngMetadataFuzzTest.zTextRaw("workflow", bomb), PngChunks.text("parameters", InfoTextTest.A1111));
        InfoText text = assertInstanceOf(InfoText.class, PngMetadata.read(file));
        assertEquals(1234567890L, text.seed());
    }

    @Test
    void aChunkDeclaring2GiBIsRefusedBeforeAnythingIsAllocated() throws Exception {
        byte[] bytes = PngMetadata.encode(PngMetadataTest.image(), List.of(json(JSON)));
        ByteBuffer.wrap(bytes).putInt(33, 0x7fffffff);
        Path file = dir.resolve("x.png");
        Files.write(file, bytes);
        assertEquals("x.png is truncated: its iTXt chunk at byte 33 needs 2147483659 bytes but the file ends after "
                + (bytes.length - 33) + ".", refusal(file));
    }

    @Test
    void aTextChunkOverSixteenMebibytesIsRefusedUnread() throws Exception {
        Path file = png(PngChunks.text(PngMetadata.PARAMETERS, "p".repeat(17 << 20)));
        assertEquals("x.png: its tEXt chunk at byte 33 is 17 MiB, larger than the 16 MiB this app reads.",
                refusal(file));
    }

    @Test
    void jsonNestedAHundredThousandDeepIsRefusedAtDepth64() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertEquals("x.png: the hart-studio metadata nests objects and lists more than 64 deep (line 1, column 65).",
                refusal(png(json(deep))));
    }

    @Test
    void aDuplicateKeyIsRefusedRatherThanOneOfThemChosen() throws Exception {
        String twice = JSON.substring(0, JSON.length() - 1) + ",\"seed\":7}";
        assertEquals("x.png: the hart-studio metadata has the key \"seed\" twice in one object (line 1, column "
                + (twice.length() - 8 + 1) + ").", refusal(png(json(twice))));
    }

    @Test
    void jsonOverOneMebibyteIsRefusedBeforeParsing() throws Exception {
        String big = JSON.replace("\"a cube\"", "\"" + "x".repeat(2 << 20) + "\"");
        Chunk plain = PngChunks.internationalText(PngMetadata.HART_STUDIO, big, false);
        assertEquals("x.png: the hart-studio metadata is " + big.length() / 1024 + " KiB long, more than the 1024 KiB "
                + "an image's parameters take.", refusal(png(plain)));
    }

    @Test
    void aHugeNumberIsNamedAsNotFinite() throws Exception {
        String huge = JSON.replace("\"cfg\":4.5", "\"cfg\":1e400");
        assertEquals("x.png: the hart-studio metadata has \"cfg\" 1e400, which is not a finite number.",
                refusal(png(json(huge))));
    }

    @Test
    void aNumberOfAThousandDigitsIsRefusedWithoutConvertingIt() throws Exception {
        String digits = JSON.replace("\"seed\":42", "\"seed\":" + "9".repeat(1000));
        assertEquals("x.png: the hart-studio metadata has a number of 1000 characters, more than 100 (line 1, column "
                + (digits.indexOf("\"seed\":") + 7 + 1) + ").", refusal(png(json(digits))));
    }

    @Test
    void twentyMebibytesOfTextChunksAreRefusedByReadTextsAndSkippedByRead() throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            chunks.add(PngChunks.text("k" + i, "v".repeat(1 << 20)));
        }
        Path file = dir.resolve("x.png");
        Files.write(file, PngMetadata.encode(PngMetadataTest.image(), chunks));
        MetadataException e = assertThrows(MetadataException.class, () -> PngMetadata.readTexts(file));
        assertEquals("x.png holds more than 16 MiB of text in its text chunks, more than this app reads.",
                e.getMessage());
        // The reader of parameters decodes only its two keywords, so it is not bothered by them.
        assertEquals("x.png has no generation parameters.", refusal(file));
    }

    @Test
    void anImageWrittenByThisAppStillReadsBack() throws Exception {
        Path file = dir.resolve("ok.png");
        PngMetadata.write(file, new RgbImage(128, 128, PngMetadataTest.image().argb()), PngMetadataTest.sample("ok"));
        assertEquals(PngMetadataTest.sample("ok"), PngMetadata.read(file));
    }
}

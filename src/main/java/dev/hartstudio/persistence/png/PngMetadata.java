package dev.hartstudio.persistence.png;

import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.persistence.png.PngChunks.Chunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * PNG files that carry their generation parameters twice, in text chunks placed before the image
 * data (so readers that stop at IDAT see them too):
 * <ul>
 *   <li>{@value #PARAMETERS}: A1111 infotext ({@link InfoText}), which the Stable Diffusion web UI,
 *       ComfyUI and image sites read; a tEXt chunk, or iTXt when the text is not Latin-1 (as PIL
 *       does);</li>
 *   <li>{@value #HART_STUDIO}: an iTXt chunk with the full {@link GenerationMetadata} as UTF-8 JSON,
 *       zlib-compressed when it is longer than {@value #COMPRESS_ABOVE} bytes.</li>
 * </ul>
 */
public final class PngMetadata {

    /** Keyword of the A1111 infotext chunk. */
    public static final String PARAMETERS = "parameters";
    /** Keyword of this app's JSON chunk. */
    public static final String HART_STUDIO = "hart-studio";
    /** JSON longer than this many bytes is stored compressed. */
    public static final int COMPRESS_ABOVE = 8192;

    private PngMetadata() {
    }

    /**
     * Saves {@code image} as a PNG with both chunks; atomically (the file is complete or absent).
     *
     * @throws IOException naming the file and the reason, e.g. the folder is missing or the disk full
     * @throws IllegalArgumentException when the metadata's size is not the image's
     */
    public static void write(Path file, RgbImage image, GenerationMetadata metadata) throws IOException {
        AtomicWrite.write(file, bytes(image, metadata));
    }

    /**
     * Saves {@code image} with both chunks as a new file {@code BASE.png} in {@code folder}, or
     * {@code BASE-2.png}, ... when that name is taken (an existing file is never replaced); atomically.
     *
     * @return the file written
     * @throws IOException naming the file and the reason, e.g. the folder is missing or the disk full
     */
    public static Path writeNew(AtomicWrite writer, Path folder, String base, RgbImage image,
                                GenerationMetadata metadata) throws IOException {
        byte[] png = bytes(image, metadata);
        return writer.saveNew(folder, base, ".png", out -> out.write(png));
    }

    /** The PNG file content of {@code image} with both chunks. */
    public static byte[] bytes(RgbImage image, GenerationMetadata metadata) {
        if (metadata.width() != image.width() || metadata.height() != image.height()) {
            throw new IllegalArgumentException("metadata is for a " + metadata.width() + "x" + metadata.height()
                    + " image, the image is " + image.width() + "x" + image.height());
        }
        String json = MetadataJson.write(metadata);
        Chunk hart = PngChunks.internationalText(HART_STUDIO, json,
                json.getBytes(StandardCharsets.UTF_8).length > COMPRESS_ABOVE);
        return encode(image, List.of(parametersChunk(InfoText.of(metadata).format()), hart));
    }

    /**
     * The parameters of a PNG: this app's JSON when the file has a {@value #HART_STUDIO} chunk, else
     * the A1111 {@value #PARAMETERS} text. Never falls back from a damaged JSON chunk to the text.
     *
     * @throws MetadataException naming the file: not a PNG, truncated or damaged, no parameters
     *     ({@code x.png has no generation parameters.}), or parameters that cannot be parsed
     */
    public static ImageParameters read(Path file) throws MetadataException {
        String name = String.valueOf(file.getFileName());
        Map<String, String> texts = PngChunks.readTexts(file, k -> k.equals(HART_STUDIO) || k.equals(PARAMETERS));
        String json = texts.get(HART_STUDIO);
        if (json != null) {
            return MetadataJson.read(name, json);
        }
        String parameters = texts.get(PARAMETERS);
        if (parameters == null) {
            throw new MetadataException(name + " has no generation parameters.");
        }
        try {
            return InfoText.parse(parameters);
        } catch (IllegalArgumentException e) {
            throw new MetadataException(name + ": the parameters text cannot be read: " + e.getMessage() + ".", e);
        }
    }

    /** Every tEXt, zTXt and iTXt of a PNG, keyword to text, in file order (first of a keyword wins). */
    public static Map<String, String> readTexts(Path file) throws MetadataException {
        return PngChunks.readTexts(file);
    }

    /** The {@value #PARAMETERS} chunk: tEXt when the text is Latin-1, iTXt otherwise (as PIL writes it). */
    static Chunk parametersChunk(String text) {
        return PngChunks.isLatin1(text) ? PngChunks.text(PARAMETERS, text)
                : PngChunks.internationalText(PARAMETERS, text, false);
    }

    /** The PNG of {@code image} as ImageIO encodes it, with {@code extra} chunks inserted before IDAT. */
    static byte[] encode(RgbImage image, List<Chunk> extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image.toBufferedImage());
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory failed", e);
        } finally {
            writer.dispose();
        }
        List<Chunk> chunks = new ArrayList<>(PngChunks.split(out.toByteArray()));
        int idat = 0;
        while (idat < chunks.size() && !chunks.get(idat).type().equals("IDAT")) {
            idat++;
        }
        chunks.addAll(idat, extra);
        return PngChunks.join(chunks);
    }
}

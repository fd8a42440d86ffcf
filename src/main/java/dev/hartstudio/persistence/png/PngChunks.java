package dev.hartstudio.persistence.png;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** PNG chunk layout (ISO/IEC 15948 §5) and the three text chunks, tEXt, zTXt and iTXt (§11.3.4). */
final class PngChunks {

    static final byte[] SIGNATURE = {(byte) 137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};

    /** Largest text chunk read (its declared length, checked before anything is allocated), MiB. */
    static final int MAX_CHUNK_MIB = 16;
    /** Largest text once decompressed, KiB: bounds a zip bomb; this app's metadata takes under 100 KiB. */
    static final int MAX_TEXT_KIB = 1024;
    /** Largest sum of decoded text over a file's chunks, MiB. */
    static final int MAX_TOTAL_MIB = 16;

    private static final int MAX_CHUNK = MAX_CHUNK_MIB << 20;
    private static final int MAX_TEXT = MAX_TEXT_KIB << 10;

    /** One chunk; {@code data} excludes length, type and CRC. */
    record Chunk(String type, byte[] data) {
    }

    private PngChunks() {
    }

    // Writing

    /** Splits a well-formed PNG held in memory (from ImageIO) into its chunks. */
    static List<Chunk> split(byte[] png) {
        if (png.length < SIGNATURE.length || !Arrays.equals(Arrays.copyOf(png, SIGNATURE.length), SIGNATURE)) {
            throw new IllegalArgumentException("not a PNG stream");
        }
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(SIGNATURE.length);
        List<Chunk> chunks = new ArrayList<>();
        while (b.remaining() >= 12) {
            int length = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            byte[] data = new byte[length];
            b.get(data);
            b.getInt();
            chunks.add(new Chunk(new String(type, StandardCharsets.ISO_8859_1), data));
        }
        return chunks;
    }

    static byte[] join(List<Chunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        for (Chunk c : chunks) {
            byte[] type = c.type().getBytes(StandardCharsets.ISO_8859_1);
            out.writeBytes(ByteBuffer.allocate(4).putInt(c.data().length).array());
            out.writeBytes(type);
            out.writeBytes(c.data());
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc(type, c.data())).array());
        }
        return out.toByteArray();
    }

    /** A tEXt chunk; {@code text} must be {@link #isLatin1 Latin-1}. */
    static Chunk text(String keyword, String text) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword(keyword));
        data.write(0);
        data.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        return new Chunk("tEXt", data.toByteArray());
    }

    /** An iTXt chunk with empty language and translated keyword, the text zlib-compressed or not. */
    static Chunk internationalText(String keyword, String text, boolean compress) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(keyword(keyword));
        data.write(0);
        data.write(compress ? 1 : 0);
        data.write(0);
        data.write(0);
        data.write(0);
        data.writeBytes(compress ? deflate(utf8) : utf8);
        return new Chunk("iTXt", data.toByteArray());
    }

    /** Whether {@code text} fits a tEXt chunk: Latin-1 and no NUL. */
    static boolean isLatin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static byte[] keyword(String keyword) {
        if (keyword.isEmpty() || keyword.length() > 79 || !isLatin1(keyword)) {
            throw new IllegalArgumentException("invalid PNG text keyword '" + keyword + "'");
        }
        return keyword.getBytes(StandardCharsets.ISO_8859_1);
    }

    // Reading

    /**
     * Reads the text chunks of a PNG file, keyword to text (the first chunk of each keyword wins),
     * after checking the signature, that the file starts with IHDR, that every chunk fits in the file
     * up to IEND, and the CRC of each text chunk. Other chunks are skipped, not read.
     */
    static Map<String, String> readTexts(Path file) throws MetadataException {
        return readTexts(file, keyword -> true);
    }

    /**
     * Like {@link #readTexts(Path)}, but only the text chunks whose keyword {@code wanted} accepts are
     * decoded and held to the limits ({@value #MAX_CHUNK_MIB} MiB a chunk, {@value #MAX_TEXT_KIB} KiB
     * of text once decompressed, {@value #MAX_TOTAL_MIB} MiB in all); the others are skipped unread,
     * so a huge chunk of another tool does not stop this app reading its own.
     */
    static Map<String, String> readTexts(Path file, Predicate<String> wanted) throws MetadataException {
        String name = String.valueOf(file.getFileName());
        if (!Files.isRegularFile(file)) {
            throw new MetadataException(name + (Files.exists(file) ? " is not a file." : " does not exist."));
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return readTexts(name, channel, wanted);
        } catch (NoSuchFileException e) {
            throw new MetadataException(name + " does not exist.", e);
        } catch (IOException e) {
            throw new MetadataException(name + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    private static Map<String, String> readTexts(String name, SeekableByteChannel channel, Predicate<String> wanted)
            throws IOException, MetadataException {
        long size = channel.size();
        byte[] signature = read(channel, 0, (int) Math.min(size, SIGNATURE.length));
        if (!Arrays.equals(signature, SIGNATURE)) {
            throw new MetadataException(name + " is not a PNG file.");
        }
        Map<String, String> texts = new LinkedHashMap<>();
        long total = 0;
        long pos = SIGNATURE.length;
        while (true) {
            if (size - pos < 12) {
                throw new MetadataException(name + " is truncated: it ends at byte " + size + " without an IEND chunk.");
            }
            ByteBuffer header = ByteBuffer.wrap(read(channel, pos, 8));
            int length = header.getInt();
            byte[] typeBytes = new byte[4];
            header.get(typeBytes);
            String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
            if (length < 0 || !type.matches("[A-Za-z]{4}")) {
                throw new MetadataException(name + " is damaged: the chunk at byte " + pos + " has an invalid header.");
            }
            if (pos == SIGNATURE.length && !type.equals("IHDR")) {
                throw new MetadataException(name + " is damaged: it does not start with an IHDR chunk.");
            }
            long end = pos + 12 + length;
            if (end > size) {
                throw new MetadataException(name + " is truncated: its " + type + " chunk at byte " + pos + " needs "
                        + (12L + length) + " bytes but the file ends after " + (size - pos) + ".");
            }
            if (type.equals("IEND")) {
                return texts;
            }
            if (type.equals("tEXt") || type.equals("zTXt") || type.equals("iTXt")) {
                // The keyword comes first and has at most 79 bytes: read it before deciding to read the rest.
                String keyword = keyword(read(channel, pos + 8, Math.min(length, 80)));
                if (keyword != null && (!wanted.test(keyword) || texts.containsKey(keyword))) {
                    pos = end;
                    continue;
                }
                if (length > MAX_CHUNK) {
                    throw new MetadataException(name + ": its " + type + " chunk at byte " + pos + " is "
                            + (length >> 20) + " MiB, larger than the " + MAX_CHUNK_MIB + " MiB this app reads.");
                }
                byte[] data = read(channel, pos + 8, length);
                long stored = Integer.toUnsignedLong(ByteBuffer.wrap(read(channel, pos + 8 + length, 4)).getInt());
                if (stored != crc(typeBytes, data)) {
                    throw new MetadataException(name + " is damaged: the CRC of its " + type + " chunk at byte " + pos
                            + " does not match.");
                }
                String[] text = decode(name, type, pos, data);
                total += text[1].length();
                if (total > (long) MAX_TOTAL_MIB << 20) {
                    throw new MetadataException(name + " holds more than " + MAX_TOTAL_MIB
                            + " MiB of text in its text chunks, more than this app reads.");
                }
                texts.putIfAbsent(text[0], text[1]);
            }
            pos = end;
        }
    }

    /** The keyword at the start of a text chunk's data, or null when it has none (reported by decode). */
    private static String keyword(byte[] start) {
        int nul = indexOf(start, 0);
        return nul < 1 ? null : new String(start, 0, nul, StandardCharsets.ISO_8859_1);
    }

    /** Keyword and text of a text chunk. */
    private static String[] decode(String name, String type, long pos, byte[] data) throws MetadataException {
        String where = name + " is damaged: its " + type + " chunk at byte " + pos;
        int nul = indexOf(data, 0);
        if (nul < 1) {
            throw new MetadataException(where + " has no keyword.");
        }
        String keyword = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
        try {
            switch (type) {
                case "tEXt":
                    return new String[] {keyword, new String(data, nul + 1, data.length - nul - 1,
                            StandardCharsets.ISO_8859_1)};
                case "zTXt":
                    if (data.length < nul + 2 || data[nul + 1] != 0) {
                        throw new MetadataException(where + " uses an unknown compression method.");
                    }
                    return new String[] {keyword, new String(inflate(Arrays.copyOfRange(data, nul + 2, data.length)),
                            StandardCharsets.ISO_8859_1)};
                default:
                    return new String[] {keyword, internationalText(where, data, nul)};
            }
        } catch (TooLarge e) {
            throw new MetadataException(name + ": its " + type + " chunk \"" + keyword + "\" at byte " + pos
                    + " holds more than " + MAX_TEXT_KIB + " KiB of text once decompressed, more than this app reads.", e);
        } catch (DataFormatException e) {
            throw new MetadataException(where + " holds damaged compressed text.", e);
        }
    }

    private static String internationalText(String where, byte[] data, int nul)
            throws MetadataException, DataFormatException {
        if (data.length < nul + 3) {
            throw new MetadataException(where + " is cut short.");
        }
        int flag = data[nul + 1];
        int method = data[nul + 2];
        int language = indexOf(data, nul + 3);
        int translated = language < 0 ? -1 : indexOf(data, language + 1);
        if (translated < 0 || flag < 0 || flag > 1 || method != 0) {
            throw new MetadataException(where + " is malformed.");
        }
        byte[] text = Arrays.copyOfRange(data, translated + 1, data.length);
        if (flag == 1) {
            text = inflate(text);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(text))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MetadataException(where + " is not valid UTF-8.", e);
        }
    }

    private static byte[] read(SeekableByteChannel channel, long pos, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.position(pos);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("unexpected end of file at byte " + channel.position());
            }
        }
        return buffer.array();
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static long crc(byte[] type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        return crc.getValue();
    }

    private static byte[] deflate(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Decompressed text past {@link #MAX_TEXT}. */
    private static final class TooLarge extends DataFormatException {

        private static final long serialVersionUID = 1L;
    }

    private static byte[] inflate(byte[] bytes) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                long readBefore = inflater.getBytesRead();
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("the compressed text ends early");
                }
                if (n == 0 && inflater.getBytesRead() == readBefore && !inflater.finished()) {
                    throw new DataFormatException("the compressed text makes no progress");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_TEXT) {
                    throw new TooLarge();
                }
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}

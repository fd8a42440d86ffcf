package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ParamsTest {

    /** A1111's expression, which Params replaces: the reference for every short line. */
    private static final Pattern A1111 = Pattern.compile(
            "\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)", Pattern.UNICODE_CHARACTER_CLASS);

    private static final String[] ALPHABET = {"a", "Z", "7", "_", " ", "-", "/", ":", ",", "\"", "\\", "\r", "\n",
        "\t", "é", "\u0301", "\u0085", "\u2028", "\u00a0", "\u200d", "😀", "𝐀", "ß", "٣", "."};

    private static List<String> regex(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = A1111.matcher(line);
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2));
        }
        return out;
    }

    private static List<String> scanner(String line) {
        List<String> out = new ArrayList<>();
        for (String[] pair : Params.of(line)) {
            out.add(pair[0] + "=" + pair[1]);
        }
        return out;
    }

    @Test
    void findsWhatA1111sExpressionFindsOnTwentyThousandRandomLines() {
        Random random = new Random(19);
        int lines = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                line.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String s = line.toString();
            assertEquals(regex(s), scanner(s), () -> "line " + s.codePoints()
                    .mapToObj(c -> String.format("U+%04X", c)).toList());
            lines++;
        }
        assertEquals(20_000, lines);
    }

    @Test
    void findsWhatA1111sExpressionFindsOnRealLines() {
        for (String s : List.of(InfoTextTest.A1111.substring(InfoTextTest.A1111.lastIndexOf('\n') + 1),
                "Steps: 16, Sampler: HART, CFG scale: 4.5, Seed: 42, Size: 128x128",
                "Lora hashes: \"a: 1, b: 2\", Version: v1", "Key: \"unterminated, Other: 2, Third: 3",
                "Quoted: \"x\" trailing, Next: 1", "Empty: \"\", A b: c", "  lead: 1,x y:2 ,z-w/v : 3")) {
            assertEquals(regex(s), scanner(s), s);
        }
    }

    @Test
    void aMegabyteOfWordCharactersWithoutAColonIsScannedInLinearTime() {
        // A1111's expression retries every start in the run: about 5e11 steps for this line.
        String line = "a".repeat(1 << 20) + ", Steps: 2";
        List<String[]> pairs = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Params.of(line));
        assertEquals(1, pairs.size());
        assertEquals("Steps", pairs.get(0)[0]);
    }

    @Test
    void aMegabyteQuotedValueDoesNotOverflowTheStack() {
        // java.util.regex recurses once per character here and throws StackOverflowError.
        String line = "Lora hashes: \"" + "x".repeat(1 << 20) + "\", Steps: 2, Seed: 3";
        List<String[]> pairs = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Params.of(line));
        assertEquals(3, pairs.size());
        assertEquals((1 << 20) + 2, pairs.get(0)[1].length());
    }

    @Test
    void pathologicalInfotextParsesWithinBoundedTime() {
        String text = "p\n" + "Steps: 2, Seed: 3, ab".repeat(1) + "b".repeat(200_000) + " x: \"" + "\"\\".repeat(100_000)
                + ", Sampler: " + "k:".repeat(200_000);
        InfoText parsed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> InfoText.parse(text));
        assertEquals(2, parsed.steps());
        assertEquals(3L, parsed.seed());
        assertEquals(400_000, parsed.sampler().length());
    }
}

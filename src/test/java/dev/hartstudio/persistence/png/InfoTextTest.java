package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfoTextTest {

    static final String A1111 = "masterpiece, best quality, 1girl\n"
            + "smiling\n"
            + "Negative prompt: lowres, bad anatomy\n"
            + "Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, "
            + "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Denoising strength: 0.7, "
            + "Lora hashes: \"add_detail: 7c6bad76eb54, more_details: 3b8aa1d351ef\", Version: v1.10.1";

    @Test
    void formatsOurParametersInA1111Order() {
        InfoText text = InfoText.of(PngMetadataTest.sample("a red cube"));
        assertEquals("a red cube\nNegative prompt: \n"
                + "Steps: 16, Sampler: HART, CFG scale: 4.5, Seed: 42, Size: 128x128, Model hash: 0123456789, "
                + "Model: tiny-random-s0", text.format());
    }

    @Test
    void parsesEveryNamedFieldOfAnA1111Infotext() {
        InfoText text = InfoText.parse(A1111);
        assertEquals("masterpiece, best quality, 1girl\nsmiling", text.prompt());
        assertEquals("lowres, bad anatomy", text.negativePrompt());
        assertEquals(20, text.steps());
        assertEquals("DPM++ 2M", text.sampler());
        assertEquals(7.0, text.cfgScale());
        assertEquals(1234567890L, text.seed());
        assertEquals(512, text.width());
        assertEquals(768, text.height());
        assertEquals("6ce0161689", text.modelHash());
        assertEquals("v1-5-pruned-emaonly", text.model());
    }

    @Test
    void keepsUnknownKeysInOrderWithQuotedValuesUnquoted() {
        Map<String, String> other = new LinkedHashMap<>();
        other.put("Schedule type", "Karras");
        other.put("Denoising strength", "0.7");
        other.put("Lora hashes", "add_detail: 7c6bad76eb54, more_details: 3b8aa1d351ef");
        other.put("Version", "v1.10.1");
        assertEquals(other, InfoText.parse(A1111).other());
    }

    @Test
    void valuesWithCommasAndColonsAreQuotedAndRoundTrip() {
        InfoText text = new InfoText("p", "", 3, "HART", 1.25, 9L, 4, 4, "tiny, random: s0", "abc", Map.of());
        String formatted = text.format();
        assertEquals("p\nNegative prompt: \nSteps: 3, Sampler: HART, CFG scale: 1.25, Seed: 9, Size: 4x4, "
                + "Model hash: abc, Model: \"tiny, random: s0\"", formatted);
        assertEquals(text, InfoText.parse(formatted));
    }

    @Test
    void aTextWithoutAParameterLineIsAllPrompt() {
        InfoText text = InfoText.parse("just a prompt, with commas");
        assertEquals("just a prompt, with commas", text.prompt());
        assertEquals("", text.negativePrompt());
        assertNull(text.steps());
        assertNull(text.seed());
        assertEquals(Map.of(), text.other());
    }

    @Test
    void multiLinePromptAndNonAsciiSurviveFormatAndParse() {
        InfoText text = new InfoText("café\n中文", "blurry", 16, "HART", 4.5, 42L, 128, 128, "m", "h", Map.of());
        assertEquals(text, InfoText.parse(text.format()));
    }

    @Test
    void aStepsValueThatIsNotANumberIsReportedNotGuessed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InfoText.parse("p\nSteps: many, Sampler: X, Seed: 1"));
        assertEquals("Steps is \"many\", not a whole number", e.getMessage());
    }

    @Test
    void aMalformedSizeIsReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InfoText.parse("p\nSteps: 1, Sampler: X, Size: big"));
        assertEquals("Size is \"big\", not WIDTHxHEIGHT", e.getMessage());
    }

    @Test
    void quoteMatchesA1111() {
        assertEquals("plain value", InfoText.quote("plain value"));
        assertEquals("\"a, b\"", InfoText.quote("a, b"));
        assertEquals("\"line\\nbreak\"", InfoText.quote("line\nbreak"));
        assertEquals("\"say \\\"hi\\\": é\"", InfoText.quote("say \"hi\": é"));
        assertEquals("\"not json", InfoText.unquote("\"not json"));
    }
}

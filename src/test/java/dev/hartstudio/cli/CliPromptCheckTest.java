package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What generate says about prompts the model cannot read whole (tiny-random: T = 16 tokens). */
class CliPromptCheckTest {

    @TempDir
    Path dir;

    private CliRun generate(String prompt) {
        return CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompt", prompt, "--seed", "1",
                "--out", dir.resolve("out").toString(), "--provider", "cpu");
    }

    @Test
    void aTruncatedPromptIsGeneratedWithALineOnStderrThatQuotesTheKeptPart() {
        CliRun r = generate("a red circle on the left " + "and a blue square ".repeat(10));
        assertEquals(0, r.status(), r.both());
        assertTrue(r.err().contains("warning: --prompt: The prompt is 46 tokens long; the model reads only the first 16,"
                + " so it sees: \"a red circle on the left and a blue square and a blue square and a\"."), r.both());
        assertTrue(Files.exists(dir.resolve("out/1.png")));
    }

    @Test
    void unknownWordsAreNamedOnStderr() {
        CliRun r = generate("a red dragon");
        assertEquals(0, r.status(), r.both());
        assertTrue(r.err().contains("warning: --prompt: The model does not know the word \"dragon\"; it is read as an"
                + " unknown word."), r.both());
    }

    @Test
    void aPromptThatFitsGetsNoWarning() {
        CliRun r = generate("a red circle");
        assertEquals(0, r.status(), r.both());
        assertFalse(r.err().contains("warning"), r.both());
    }

    @Test
    void aControlCharacterIsRefusedWithExit2AndNoImage() {
        CliRun r = generate("a red\u0007 circle");
        assertEquals(2, r.status(), r.both());
        assertTrue(r.err().contains("--prompt: The prompt contains the invisible control character U+0007 at position 6;"
                + " remove it (tabs and line breaks are fine)."), r.both());
        assertFalse(Files.exists(dir.resolve("out/1.png")));
    }

    @Test
    void aBrokenPromptInAPromptsFileNamesItsLineAndNothingIsGenerated() throws Exception {
        Path file = dir.resolve("p.jsonl");
        Files.write(file, List.of("{\"id\": \"ok\", \"prompt\": \"a red circle\"}",
                "{\"id\": \"bad\", \"prompt\": \"a \\ud800 circle\"}"));
        CliRun r = CliRun.of("generate", "--bundle", BUNDLE.toString(), "--prompts", file.toString(),
                "--out", dir.resolve("out").toString(), "--provider", "cpu");
        assertEquals(2, r.status(), r.both());
        assertTrue(r.err().contains("line 2: The prompt has a broken character at position 3 (U+D800"), r.both());
        assertFalse(Files.exists(dir.resolve("out/ok.png")), "nothing is generated before the check");
    }
}

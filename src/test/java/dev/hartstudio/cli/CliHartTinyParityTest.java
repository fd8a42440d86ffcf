package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line on the embedded HART-tiny writes the tokens of the Python reference sampler
 * ({@code python -m hart_export.goldens}) for several seeds, guidance scales and modes.
 */
@EnabledIf("present")
class CliHartTinyParityTest {

    static final Path BUNDLE = Path.of("assets/models/hart-tiny");
    static final Path GOLDENS = Path.of("src/test/resources/goldens/hart-tiny");

    @TempDir
    Path dir;

    static boolean present() {
        return Files.isRegularFile(BUNDLE.resolve("manifest.json")) && Files.isRegularFile(GOLDENS.resolve("cases.json"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "s7_cfg4.5|a red circle|7|4.5|",
        "s1_cfg1.5|a large blue striped square in the top left|1|1.5|",
        "discrete_only|a pink dotted cross at the bottom|5|4.5|--discrete-only",
    })
    void generateWritesTheReferenceTokens(String id, String prompt, String seed, String cfg, String extra)
            throws Exception {
        Path trace = dir.resolve(id + ".json");
        String[] base = {"generate", "--bundle", BUNDLE.toString(), "--prompt", prompt, "--seed", seed, "--cfg", cfg,
            "--top-k", "600", "--out", dir.resolve("out").toString(), "--trace", trace.toString(), "--provider", "cpu"};
        String[] args = extra == null ? base : java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.stream.Stream.of(extra)).toArray(String[]::new);
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), r.both());
        JsonElement golden = JsonParser.parseString(Files.readString(GOLDENS.resolve(id + ".trace.json")));
        JsonElement mine = JsonParser.parseString(Files.readString(trace));
        assertEquals(golden.getAsJsonObject().get("tokens"), mine.getAsJsonObject().get("tokens"));
    }
}

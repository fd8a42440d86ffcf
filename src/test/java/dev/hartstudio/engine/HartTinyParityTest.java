package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The embedded HART-tiny bundle: the Java engine draws the Python reference's tokens (several seeds and modes). */
@EnabledIf("present")
class HartTinyParityTest {

    static final Path BUNDLE = Path.of("assets/models/hart-tiny");
    static final Path GOLDENS = Path.of("src/test/resources/goldens/hart-tiny");
    static HartEngine engine;

    static boolean present() {
        return Files.isRegularFile(BUNDLE.resolve("manifest.json")) && Files.isRegularFile(GOLDENS.resolve("cases.json"));
    }

    @BeforeAll
    static void open() throws Exception {
        engine = HartEngine.open(BUNDLE, ExecutionProvider.CPU);
    }

    @AfterAll
    static void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    static Stream<JsonObject> cases() throws IOException {
        return GoldenParityTest.cases(GOLDENS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void javaEngineDrawsTheReferenceTokens(JsonObject c) throws Exception {
        GoldenParityTest.check(engine, GOLDENS, c);
    }

    @Test
    void theFirstStepOnTheConditionalRowsAloneDrawsTheSameTokensAsOnAllRows() throws Exception {
        // the first generation of an engine runs the first step on every row and keeps the
        // unconditional rows' results; later ones (any batch size) run it on the conditional rows
        // only. Each golden case, through both paths, must give the reference's tokens and image.
        for (JsonObject c : cases().toList()) {
            try (HartEngine fresh = HartEngine.open(BUNDLE, ExecutionProvider.CPU)) {
                assertFalse(fresh.sampler().reusesUnconditionalFirstStep());
                GoldenParityTest.check(fresh, GOLDENS, c);                 // all rows
                assertTrue(fresh.sampler().reusesUnconditionalFirstStep(), c.get("id").getAsString());
                GoldenParityTest.check(fresh, GOLDENS, c);                 // conditional rows only
            }
        }
    }
}

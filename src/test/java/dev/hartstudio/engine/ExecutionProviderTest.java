package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExecutionProviderTest {

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource({
        "auto, auto",
        "cpu, cpu",
        "cuda, cuda:0",
        "cuda:0, cuda:0",
        "CUDA:3, cuda:3",
        "' Cpu ', cpu",
    })
    void parsesAcceptedForms(String text, String expected) {
        assertEquals(expected, ExecutionProvider.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gpu", "cuda:", "cuda:-1", "cuda:x", "cuda0", "cpu:1"})
    void rejectsOtherTextListingTheAcceptedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse(text));
        assertTrue(e.getMessage().contains("use auto, cpu, cuda or cuda:N"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "cpu", "cuda:0", "cuda:7"})
    void toStringParsesBack(String text) {
        ExecutionProvider p = ExecutionProvider.parse(text);
        assertEquals(p, ExecutionProvider.parse(p.toString()));
    }
}

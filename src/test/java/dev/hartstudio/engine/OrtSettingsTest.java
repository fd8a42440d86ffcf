package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** A mistyped -D setting is named with what it accepts instead of quietly running the default. */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class OrtSettingsTest {

    private static final String[] KEYS = {"hartstudio.ort.pools", "hartstudio.ort.spin", "hartstudio.vector", "hartstudio.threads"};

    @AfterEach
    void clear() {
        for (String k : KEYS) {
            System.clearProperty(k);
        }
    }

    @Test
    void acceptsTheDocumentedValuesInAnyCase() {
        System.setProperty("hartstudio.ort.pools", "Session");
        System.setProperty("hartstudio.ort.spin", "FALSE");
        System.setProperty("hartstudio.vector", " true ");
        System.setProperty("hartstudio.threads", "3");
        assertDoesNotThrow(Ort::checkSettings);
        clear();
        assertDoesNotThrow(Ort::checkSettings);
    }

    @Test
    void namesAMistypedChoiceAndWhatItAccepts() {
        System.setProperty("hartstudio.ort.pools", "sesion");
        EngineException e = assertThrows(EngineException.class, Ort::checkSettings);
        assertEquals("-Dhartstudio.ort.pools is \"sesion\": expected shared or session.", e.getMessage());
        clear();
        System.setProperty("hartstudio.vector", "yes");
        assertEquals("-Dhartstudio.vector is \"yes\": expected true or false.",
                assertThrows(EngineException.class, Ort::checkSettings).getMessage());
        clear();
        System.setProperty("hartstudio.ort.spin", "0");
        assertThrows(EngineException.class, Ort::checkSettings);
    }

    @Test
    void rejectsAThreadCountThatIsNotACountOfCores() {
        for (String bad : new String[] {"0", "-2", "two", "1025", ""}) {
            System.setProperty("hartstudio.threads", bad);
            EngineException e = assertThrows(EngineException.class, Ort::checkSettings, bad);
            assertEquals("-Dhartstudio.threads is \"" + bad + "\": expected a number of cores from 1 to 1024.", e.getMessage());
        }
    }
}

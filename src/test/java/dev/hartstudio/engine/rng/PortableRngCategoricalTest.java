package dev.hartstudio.engine.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PortableRngCategoricalTest {

    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void drawsMatchThePythonReferenceSampler() {
        // Expected ids from onnx-export/hart_export/rng.py: categorical(z, token_uniforms(3, 1, 6)).
        float[] z = {
            0.5f, -1.0f, 2.0f, NEG_INF, 0.0f, 1.5f, NEG_INF, 0.25f,
            NEG_INF, NEG_INF, 3.0f, NEG_INF, NEG_INF, NEG_INF, NEG_INF, 2.9f,
            1, 1, 1, 1, 1, 1, 1, 1,
            -2.0f, NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF, NEG_INF, -1.0f,
            10.0f, 9.5f, -3.0f, 4.0f, NEG_INF, 0.0f, 0.0f, 9.9f,
            0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f,
        };
        int[] drawn = new int[6];
        for (int n = 0; n < 6; n++) {
            drawn[n] = PortableRng.categorical(z, 8 * n, 8, PortableRng.tokenUniform(3, 1, n));
        }
        assertArrayEquals(new int[] {4, 2, 3, 7, 1, 2}, drawn);
    }

    @Test
    void zeroUniformPicksFirstUnmaskedEntry() {
        float[] z = {NEG_INF, NEG_INF, 0.3f, 5f};
        assertEquals(2, PortableRng.categorical(z, 0, 4, 0.0));
    }

    @Test
    void largestUniformPicksLastUnmaskedEntry() {
        float[] z = {1f, 2f, 0.5f, NEG_INF};
        assertEquals(2, PortableRng.categorical(z, 0, 4, Math.nextDown(1.0)));
    }

    @Test
    void maskedEntriesAreNeverChosen() {
        float[] z = {0f, NEG_INF, 0f, NEG_INF};
        for (int i = 0; i < 1000; i++) {
            int v = PortableRng.categorical(z, 0, 4, PortableRng.tokenUniform(1, 0, i));
            assertEquals(0, v % 2, "drew masked entry " + v);
        }
    }

    @Test
    void offsetSelectsTheRow() {
        float[] z = {9f, 9f, NEG_INF, 1f};
        assertEquals(1, PortableRng.categorical(z, 2, 2, 0.5));
    }

    @Test
    void fullyMaskedRowIsRejected() {
        float[] z = {NEG_INF, NEG_INF};
        assertThrows(IllegalArgumentException.class, () -> PortableRng.categorical(z, 0, 2, 0.5));
    }

    @Test
    void argmaxTakesFirstIndexOnTies() {
        float[] z = {1f, 3f, 3f, 2f};
        assertEquals(1, PortableRng.argmax(z, 0, 4));
    }

    @Test
    void negativeSeedIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PortableRng.key(-1, PortableRng.TOKEN, 0));
    }
}

package dev.hartstudio.engine.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerMathTest {

    @Test
    void selectFindsTheSameOrderStatisticAsSorting() {
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(900);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = trial % 3 == 0 ? r.nextInt(5) : (float) r.nextGaussian();   // many ties in a third of the trials
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            int index = r.nextInt(n);
            assertEquals(sorted[index], SamplerMath.select(a.clone(), index));
        }
    }

    @Test
    void topKKeepsTiesWithTheKthValue() {
        float[] z = {1, 5, 3, 5, 2, 5};
        SamplerMath.topK(z, 1, 6, 2);
        assertEquals(Float.NEGATIVE_INFINITY, z[0]);
        assertEquals(5f, z[1]);
        assertEquals(5f, z[3]);
        assertEquals(5f, z[5]);
        assertEquals(Float.NEGATIVE_INFINITY, z[2]);
    }

    @Test
    void areaOfAConstantMapIsTheConstant() {
        int big = 8;
        float[] f = new float[2 * big * big];
        Arrays.fill(f, 0.25f);
        double[] down = new double[3 * big];
        for (int i = 0; i < 3; i++) {
            for (int q = 0; q < big; q++) {
                down[i * big + q] = 1.0 / big;
            }
        }
        float[] t = SamplerMath.area(f, 1, 2, big, down, 3);
        for (float v : t) {
            assertEquals(0.25f, v, 1e-7f);
        }
    }
}

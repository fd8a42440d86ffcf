package dev.hartstudio.engine.sample;

/**
 * The tokenizer's codebook {@code E_cb [V, Cv]} (HART-INFERENCE 0, 4.4), as the bundle stores it
 * and widened to float64 once for the soft embedding's float64 products.
 */
final class Codebook {

    private final float[] values;
    private final double[] wide;
    private final int cv;

    Codebook(float[] values, int cv) {
        this.values = values;
        this.cv = cv;
        this.wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
    }

    double[] wide() {
        return wide;
    }

    /** Hard embeddings {@code e [B·l, Cv]} of token ids {@code idx [B][l]}. */
    void embed(int[][] idx, float[] e) {
        int l = idx[0].length;
        for (int b = 0; b < idx.length; b++) {
            for (int n = 0; n < l; n++) {
                System.arraycopy(values, idx[b][n] * cv, e, (b * l + n) * cv, cv);
            }
        }
    }
}

package dev.hartstudio.ui.queue;

import java.util.List;

/**
 * Estimates progress and time left of one generation from the stages done so far. Each stage has
 * a weight: the time it took in the previous comparable run when there was one, else its share of
 * tokens ({@code p_k²} for scale k; a diffusion step, a small MLP over the finest map, counts a tenth
 * of the finest scale). The observed
 * speed (time per unit of weight) scales the weights of the stages still to come.
 */
public final class EtaEstimator {

    /** Weight of one diffusion step relative to the finest AR scale, before any run was measured. */
    static final double DIFFUSION_SHARE = 0.1;

    private final double[] weights;
    private final double total;

    private EtaEstimator(double[] weights) {
        this.weights = weights;
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        this.total = sum;
    }

    /**
     * @param patchNums token map sides, coarse to fine
     * @param diffusionSteps diffusion steps to come (0 when discrete-only)
     * @param previous previous run's stage times in the same order (scales, then steps), or null
     */
    public static EtaEstimator of(List<Integer> patchNums, int diffusionSteps, double[] previous) {
        int n = patchNums.size() + diffusionSteps;
        if (previous != null && previous.length == n) {
            return new EtaEstimator(previous.clone());
        }
        double[] w = new double[n];
        double finest = 0;
        for (int i = 0; i < patchNums.size(); i++) {
            w[i] = (double) patchNums.get(i) * patchNums.get(i);
            finest = w[i];
        }
        for (int i = patchNums.size(); i < n; i++) {
            w[i] = finest * DIFFUSION_SHARE;
        }
        return new EtaEstimator(w);
    }

    /** Stages in total. */
    public int stages() {
        return weights.length;
    }

    /** Fraction of the work done after {@code done} stages, 0..1. */
    public double progress(int done) {
        if (total <= 0 || weights.length == 0) {
            return done > 0 ? 1 : 0;
        }
        return Math.min(1, doneWeight(done) / total);
    }

    /**
     * Seconds left after {@code done} stages that took {@code elapsedNanos} together, or -1 before
     * the first stage (nothing to extrapolate from).
     */
    public double secondsLeft(int done, long elapsedNanos) {
        double doneW = doneWeight(done);
        if (done <= 0 || doneW <= 0) {
            return -1;
        }
        double perWeight = elapsedNanos / doneW;
        return Math.max(0, (total - doneW) * perWeight / 1e9);
    }

    private double doneWeight(int done) {
        double sum = 0;
        for (int i = 0; i < Math.min(done, weights.length); i++) {
            sum += weights[i];
        }
        return sum;
    }
}

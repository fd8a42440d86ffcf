package dev.hartstudio.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The graph roles of bundle format 1 and the I/O names each must declare (docs/BUNDLE.md, the same
 * table as {@code graph_specs} in onnx-export/hart_export/graphs.py). The step graph's KV cache is
 * either one input and output per block ({@link #stepInputsPerBlock}, what the exporter writes) or,
 * in bundles exported before that, one stacked tensor ({@code past_k [NL, N2, H, Lp, d]}).
 */
public enum GraphRole {
    TEXT_ENCODER("text_encoder", true, List.of("input_ids", "attention_mask"), List.of("ctx")),
    CONDITION("condition", true, List.of("ctx2", "mask2"), List.of("x0", "ada", "head_ada")),
    EMBED("embed", true, List.of("latent", "level"), List.of("x")),
    STEP("step", true, List.of("x", "cos", "sin", "ada", "head_ada", "past_k", "past_v"),
            List.of("hidden", "logits", "present_k", "present_v")),
    FHAT_STEP("fhat_step", true, List.of("f_hat", "h", "up", "phi_index"), List.of("f_hat_out", "added")),
    DIFF_COND("diff_cond", true, List.of("x_last", "e_hard"), List.of("cemb")),
    DIFF_MLP("diff_mlp", true, List.of("x", "t", "cemb"), List.of("out")),
    VAE_DECODER("vae_decoder", true, List.of("f_hat"), List.of("image")),
    /** Only needed to edit an existing image, so a bundle may leave it out. */
    VAE_ENCODER("vae_encoder", false, List.of("image"), List.of("f"));

    private final String key;
    private final boolean required;
    private final List<String> inputNames;
    private final List<String> outputNames;

    GraphRole(String key, boolean required, List<String> inputNames, List<String> outputNames) {
        this.key = key;
        this.required = required;
        this.inputNames = inputNames;
        this.outputNames = outputNames;
    }

    /** The key of this role in manifest.json {@code graphs}, e.g. {@code "fhat_step"}. */
    public String key() {
        return key;
    }

    public boolean required() {
        return required;
    }

    public List<String> inputNames() {
        return inputNames;
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** The step graph's inputs with one cache tensor per block: ..., past_k_0, past_v_0, past_k_1, ... */
    public static List<String> stepInputsPerBlock(int depth) {
        return withCache(List.of("x", "cos", "sin", "ada", "head_ada"), cacheNames("past", depth, false));
    }

    /** The step graph's outputs with one cache tensor per block: hidden, logits, present_k_0, ... */
    public static List<String> stepOutputsPerBlock(int depth) {
        return withCache(List.of("hidden", "logits"), cacheNames("present", depth, false));
    }

    /** Whether a step graph's declared inputs hold the older stacked cache ({@code past_k [NL, ...]}). */
    public static boolean stackedCache(List<String> stepInputNames) {
        return stepInputNames.contains("past_k");
    }

    /**
     * The step graph's cache names with {@code prefix} "past" or "present", k and v alternating:
     * {@code prefix_k_0, prefix_v_0, prefix_k_1, ...} for {@code depth} blocks, or the stacked pair
     * {@code prefix_k, prefix_v}.
     */
    public static List<String> cacheNames(String prefix, int depth, boolean stacked) {
        if (stacked) {
            return List.of(prefix + "_k", prefix + "_v");
        }
        List<String> names = new java.util.ArrayList<>(2 * depth);
        for (int i = 0; i < depth; i++) {
            names.add(prefix + "_k_" + i);
            names.add(prefix + "_v_" + i);
        }
        return List.copyOf(names);
    }

    private static List<String> withCache(List<String> head, List<String> cache) {
        List<String> names = new java.util.ArrayList<>(head);
        names.addAll(cache);
        return List.copyOf(names);
    }

    public static Optional<GraphRole> fromKey(String key) {
        return Arrays.stream(values()).filter(r -> r.key.equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key;
    }
}

package dev.hartstudio.testing;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.Npy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A small, valid bundle folder for tests of the bundle layer: real manifest, schedule, arrays and
 * tokenizer, but placeholder bytes instead of ONNX graphs (hashes and paths are checked before any
 * graph is loaded). Change {@link #manifest()} or the files, then call {@link #write()}.
 */
public final class SyntheticBundle {

    /** A word-level tokenizer.json as hart_export.prompt writes them: [PAD] = 0, [UNK] = 1. */
    public static final String TOKENIZER_JSON = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
            + "\"added_tokens\":[],\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},"
            + "{\"type\":\"Lowercase\"}]},\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,"
            + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"a\":2,"
            + "\"red\":3,\"circle\":4,\"blue\":5,\"square\":6,\"on\":7,\"the\":8,\"left\":9,\",\":10,\".\":11},"
            + "\"unk_token\":\"[UNK]\"}}";

    public static final int V = 8;
    public static final int CV = 4;
    public static final int T = 4;
    public static final List<Integer> PATCH_NUMS = List.of(1, 2);
    public static final int STEPS = 8;

    private static final Set<String> INT64_NAMES = Set.of("input_ids", "attention_mask", "level", "phi_index");

    private final Path dir;
    private final JsonObject manifest;

    private SyntheticBundle(Path dir, JsonObject manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** Writes every file of a valid bundle into {@code dir} (manifest.json included). */
    public static SyntheticBundle create(Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonObject graphs = new JsonObject();
        for (GraphRole role : GraphRole.values()) {
            String file = role.key() + ".onnx";
            TinyOnnx.placeholder(dir.resolve(file), "placeholder for " + role.key());
            JsonObject g = new JsonObject();
            g.addProperty("file", file);
            g.add("inputs", tensors(role.inputNames()));
            g.add("outputs", tensors(role.outputNames()));
            graphs.add(role.key(), g);
        }
        Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER_JSON);
        Files.writeString(dir.resolve("system_prompt.txt"), "a red circle");
        Files.writeString(dir.resolve("MODEL_CARD.md"), "# Synthetic test bundle\n");
        Files.writeString(dir.resolve("schedule.json"), schedule().toString());
        float[] codebook = new float[V * CV];
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = i * 0.5f;
        }
        Npy.writeFloat32(dir.resolve("codebook.npy"), new int[] {V, CV}, codebook);
        Npy.writeFloat32(dir.resolve("preview.npy"), new int[] {CV + 1, 3}, new float[(CV + 1) * 3]);

        JsonObject m = new JsonObject();
        m.addProperty("format", "hart-bundle");
        m.addProperty("format_version", 1);
        m.addProperty("name", "synthetic");
        m.addProperty("description", "a bundle for tests");
        m.addProperty("card", "MODEL_CARD.md");
        m.addProperty("created_by", "SyntheticBundle");
        m.addProperty("precision", "fp32");
        m.addProperty("rng", "hart-rng-v1");
        m.add("model", defaultModel());
        m.add("text", text());
        m.add("sampling_defaults", samplingDefaults());
        m.addProperty("schedule", "schedule.json");
        m.addProperty("codebook", "codebook.npy");
        m.addProperty("preview", "preview.npy");
        m.add("graphs", graphs);
        SyntheticBundle bundle = new SyntheticBundle(dir, m);
        bundle.rehash();
        return bundle.write();
    }

    /**
     * Replaces the placeholder graphs by tiny real ONNX models whose I/O match the manifest (each
     * output passes an input through), so that the engine can load every graph.
     */
    public SyntheticBundle useRealGraphs() throws IOException {
        for (GraphRole role : GraphRole.values()) {
            if (!manifest.getAsJsonObject("graphs").has(role.key())) {
                continue;
            }
            JsonObject g = graph(role);
            TinyOnnx.passThrough(dir.resolve(g.get("file").getAsString()), values(g.getAsJsonArray("inputs")),
                    values(g.getAsJsonArray("outputs")));
        }
        return rehash().write();
    }

    public Path dir() {
        return dir;
    }

    /** The manifest that {@link #write()} writes; change it freely. */
    public JsonObject manifest() {
        return manifest;
    }

    /** Recomputes {@code files} from the files now in the folder (all but manifest.json). */
    public SyntheticBundle rehash() throws IOException {
        JsonObject files = new JsonObject();
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path p : paths.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("manifest.json") && Files.isRegularFile(p)) {
                    files.addProperty(name, sha256(Files.readAllBytes(p)));
                }
            }
        }
        manifest.add("files", files);
        return this;
    }

    /** Writes manifest.json as {@link #manifest()} now says. */
    public SyntheticBundle write() throws IOException {
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(manifest);
        Files.writeString(dir.resolve("manifest.json"), json, StandardCharsets.UTF_8);
        return this;
    }

    public JsonObject model() {
        return manifest.getAsJsonObject("model");
    }

    public JsonObject graph(GraphRole role) {
        return manifest.getAsJsonObject("graphs").getAsJsonObject(role.key());
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<TinyOnnx.Value> values(JsonArray tensors) {
        List<TinyOnnx.Value> out = new java.util.ArrayList<>();
        for (var e : tensors) {
            JsonObject t = e.getAsJsonObject();
            List<Object> dims = new java.util.ArrayList<>();
            for (var d : t.getAsJsonArray("shape")) {
                dims.add(d.getAsJsonPrimitive().isString() ? d.getAsString() : (Object) d.getAsInt());
            }
            int type = t.get("dtype").getAsString().equals("int64") ? TinyOnnx.INT64 : TinyOnnx.FLOAT;
            out.add(new TinyOnnx.Value(t.get("name").getAsString(), type, dims));
        }
        return out;
    }

    public static JsonArray tensors(List<String> names) {
        JsonArray out = new JsonArray();
        for (String name : names) {
            JsonObject t = new JsonObject();
            t.addProperty("name", name);
            t.addProperty("dtype", INT64_NAMES.contains(name) ? "int64" : "float32");
            JsonArray shape = new JsonArray();
            shape.add("N");
            shape.add(CV);
            t.add("shape", shape);
            out.add(t);
        }
        return out;
    }

    private static JsonObject defaultModel() {
        JsonObject m = new JsonObject();
        m.addProperty("resolution", 32);
        m.add("patch_nums", ints(PATCH_NUMS));
        m.addProperty("latent_channels", CV);
        m.addProperty("codebook_size", V);
        m.addProperty("context_tokens", T);
        m.addProperty("context_dim", 8);
        m.addProperty("embed_dim", 16);
        m.addProperty("depth", 1);
        m.addProperty("num_heads", 2);
        m.addProperty("head_dim", 8);
        m.addProperty("diffusion_width", 8);
        m.addProperty("diffusion_depth", 1);
        m.addProperty("downsample", 16);
        m.addProperty("quant_resi", 0.5);
        m.addProperty("phi_count", 2);
        return m;
    }

    private static JsonObject text() {
        JsonObject t = new JsonObject();
        t.addProperty("tokenizer", "tokenizer.json");
        t.addProperty("system_prompt", "system_prompt.txt");
        t.addProperty("max_prompt_tokens", T);
        t.addProperty("padding_side", "right");
        t.addProperty("pad_token_id", 0);
        t.addProperty("add_special_tokens", false);
        t.addProperty("encoder", "tiny");
        return t;
    }

    private static JsonObject samplingDefaults() {
        JsonObject s = new JsonObject();
        s.addProperty("cfg", 4.5);
        s.add("top_k", ints(List.of(6, 3)));
        s.addProperty("top_p", 0.0);
        s.addProperty("more_smooth", true);
        s.addProperty("seed", 1);
        s.addProperty("diffusion_steps", STEPS);
        return s;
    }

    private static JsonObject schedule() {
        JsonObject s = new JsonObject();
        s.add("patch_nums", ints(PATCH_NUMS));
        JsonArray scales = new JsonArray();
        for (int k = 0; k < PATCH_NUMS.size(); k++) {
            JsonObject scale = new JsonObject();
            double ratio = k == PATCH_NUMS.size() - 1 ? 0.0 : k;
            scale.addProperty("k", k);
            scale.addProperty("p", PATCH_NUMS.get(k));
            scale.addProperty("ratio", ratio);
            scale.addProperty("tau", 0.27);
            scale.addProperty("logit_mult", 1 + ratio);
            scale.addProperty("phi_index", k == PATCH_NUMS.size() - 1 ? -1 : 0);
            scales.add(scale);
        }
        s.add("scales", scales);
        s.add("phi_ticks", doubles(1 / 6.0, 5 / 6.0));
        int p = PATCH_NUMS.get(PATCH_NUMS.size() - 1);
        JsonArray up = new JsonArray();
        JsonArray down = new JsonArray();
        for (int pk : PATCH_NUMS) {
            up.add(matrix(p, pk));
            down.add(matrix(pk, p));
        }
        s.add("up", up);
        s.add("down", down);
        JsonObject rope = new JsonObject();
        rope.add("inv_freq_1d", doubles(1.0, 0.1, 0.01, 0.001));
        rope.add("inv_freq_2d", doubles(1.0, 0.01));
        s.add("rope", rope);
        JsonObject d = new JsonObject();
        for (String key : List.of("timesteps", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
                "posterior_mean_coef1", "posterior_mean_coef2", "posterior_log_variance_clipped", "log_betas")) {
            double[] values = new double[STEPS];
            for (int i = 0; i < STEPS; i++) {
                values[i] = key.equals("timesteps") ? Math.round(i * 999.0 / (STEPS - 1)) : 0.5 + i;
            }
            d.add(key, doubles(values));
        }
        d.addProperty("vae_scale", 0.6);
        s.add("diffusion", d);
        return s;
    }

    private static JsonArray matrix(int rows, int cols) {
        JsonArray m = new JsonArray();
        for (int r = 0; r < rows; r++) {
            double[] row = new double[cols];
            for (int c = 0; c < cols; c++) {
                row[c] = r == c ? 1.0 : 0.25;
            }
            m.add(doubles(row));
        }
        return m;
    }

    private static JsonArray ints(List<Integer> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static JsonArray doubles(double... values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }
}

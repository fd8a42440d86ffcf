package dev.hartstudio.bundle;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads manifest.json into a {@link BundleManifest}, checking every field and their consistency. */
final class ManifestReader {

    static final String FILE = "manifest.json";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> PRECISIONS = Set.of("fp32", "fp16");
    private static final Set<String> PADDING_SIDES = Set.of("right", "left");
    private static final Set<String> ENCODERS = Set.of("tiny", "qwen2");
    private static final String RNG = "hart-rng-v1";
    private static final long MAX_SEED = (1L << 53) - 1;
    /** Largest image side this app supports; keeps {@code 3 × resolution²} within an int. */
    static final int MAX_RESOLUTION = 16384;
    /** Largest value of any other model size (channels, widths, codebook, tokens): far above HART's. */
    static final int MAX_MODEL_SIZE = 1 << 20;

    private final Json json = new Json(FILE);

    BundleManifest read(byte[] bytes) throws BundleException {
        JsonObject root = json.rootObject(json.parse(bytes));
        checkFormat(root);
        String precision = json.string(root, "", "precision");
        if (!PRECISIONS.contains(precision)) {
            throw json.error("precision", "is \"" + precision + "\", expected \"fp32\" or \"fp16\"");
        }
        String rng = json.string(root, "", "rng");
        if (!RNG.equals(rng)) {
            throw json.error("rng", "is \"" + rng + "\", but this app implements \"" + RNG + "\"");
        }
        String description = json.optionalString(root, "", "description");
        ModelConfig model = model(json.object(root, "", "model"));
        BundleManifest manifest = new BundleManifest(
                BundleManifest.FORMAT,
                BundleManifest.FORMAT_VERSION,
                json.string(root, "", "name"),
                description == null ? "" : description,
                json.optionalString(root, "", "card"),
                createdBy(root),
                precision,
                rng,
                model,
                text(json.object(root, "", "text")),
                samplingDefaults(json.object(root, "", "sampling_defaults")),
                fileName(root, "schedule", "schedule.json"),
                fileName(root, "codebook", "codebook.npy"),
                fileName(root, "preview", "preview.npy"),
                files(json.object(root, "", "files")),
                graphs(json.object(root, "", "graphs"), model.depth()),
                json.optionalString(root, "", "fp32_bundle"));
        checkConsistency(manifest);
        return manifest;
    }

    private void checkFormat(JsonObject root) throws BundleException {
        String format = json.string(root, "", "format");
        if (!BundleManifest.FORMAT.equals(format)) {
            throw json.error("format", "is \"" + format + "\", expected \"" + BundleManifest.FORMAT + "\"");
        }
        long version = json.integer(root, "", "format_version", 0);
        if (version != BundleManifest.FORMAT_VERSION) {
            throw json.error("format_version", "is " + version + ", but this app reads format_version "
                    + BundleManifest.FORMAT_VERSION);
        }
    }

    private String fileName(JsonObject root, String key, String fallback) throws BundleException {
        String name = json.optionalString(root, "", key);
        return name == null ? fallback : name;
    }

    /** "exporter name and version": a string, or an object that is kept as its JSON text. */
    private String createdBy(JsonObject root) throws BundleException {
        JsonElement e = root.get("created_by");
        if (e == null || e.isJsonNull()) {
            return "";
        }
        return e.isJsonPrimitive() ? json.string(e, "created_by") : e.toString();
    }

    private ModelConfig model(JsonObject m) throws BundleException {
        String p = "model";
        int resolution = json.intValue(m, p, "resolution", 1);
        if (resolution > MAX_RESOLUTION) {
            throw json.error("model.resolution", "is " + resolution + ", more than the " + MAX_RESOLUTION
                    + " pixels this app supports");
        }
        return new ModelConfig(
                resolution,
                json.intList(m, p, "patch_nums", 1),
                size(m, "latent_channels"),
                size(m, "codebook_size"),
                size(m, "context_tokens"),
                size(m, "context_dim"),
                size(m, "embed_dim"),
                size(m, "depth"),
                size(m, "num_heads"),
                size(m, "head_dim"),
                size(m, "diffusion_width"),
                size(m, "diffusion_depth"),
                size(m, "downsample"),
                json.number(m, p, "quant_resi"),
                size(m, "phi_count"));
    }

    /** A positive model size up to {@link #MAX_MODEL_SIZE}, so that products of a few of them stay in a long. */
    private int size(JsonObject m, String key) throws BundleException {
        int v = json.intValue(m, "model", key, 1);
        if (v > MAX_MODEL_SIZE) {
            throw json.error("model." + key, "is " + v + ", more than the " + MAX_MODEL_SIZE + " this app supports");
        }
        return v;
    }

    private TextConfig text(JsonObject t) throws BundleException {
        String p = "text";
        String paddingSide = json.string(t, p, "padding_side");
        if (!PADDING_SIDES.contains(paddingSide)) {
            throw json.error("text.padding_side", "is \"" + paddingSide + "\", expected \"right\" or \"left\"");
        }
        String encoder = json.string(t, p, "encoder");
        if (!ENCODERS.contains(encoder)) {
            throw json.error("text.encoder", "is \"" + encoder + "\", expected \"tiny\" or \"qwen2\"");
        }
        return new TextConfig(
                json.string(t, p, "tokenizer"),
                json.optionalString(t, p, "system_prompt"),
                json.intValue(t, p, "max_prompt_tokens", 1),
                paddingSide,
                json.integer(t, p, "pad_token_id", 0),
                json.bool(t, p, "add_special_tokens"),
                encoder);
    }

    private SamplingDefaults samplingDefaults(JsonObject s) throws BundleException {
        String p = "sampling_defaults";
        double topP = json.number(s, p, "top_p");
        if (topP < 0 || topP > 1) {
            throw json.error("sampling_defaults.top_p", "must be between 0 and 1, got " + topP);
        }
        long seed = json.integer(s, p, "seed", 0);
        if (seed > MAX_SEED) {
            throw json.error("sampling_defaults.seed", "must be below 2^53, got " + seed);
        }
        return new SamplingDefaults(
                json.number(s, p, "cfg"),
                json.intList(s, p, "top_k", 0),
                topP,
                json.bool(s, p, "more_smooth"),
                seed,
                json.intValue(s, p, "diffusion_steps", 1));
    }

    private Map<String, String> files(JsonObject f) throws BundleException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : f.entrySet()) {
            String path = "files[\"" + e.getKey() + "\"]";
            String hash = json.string(e.getValue(), path);
            if (!SHA256.matcher(hash).matches()) {
                throw json.error(path, "must be 64 hex digits (a sha256), got \"" + hash + "\"");
            }
            out.put(e.getKey(), hash.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private Map<GraphRole, GraphSpec> graphs(JsonObject g, int depth) throws BundleException {
        Map<GraphRole, GraphSpec> out = new EnumMap<>(GraphRole.class);
        for (GraphRole role : GraphRole.values()) {
            if (!g.has(role.key()) || g.get(role.key()).isJsonNull()) {
                if (role.required()) {
                    throw json.error("graphs." + role.key(), "is missing (a required graph role)");
                }
                continue;
            }
            out.put(role, graph(role, json.object(g, "graphs", role.key()), depth));
        }
        return out;
    }

    private GraphSpec graph(GraphRole role, JsonObject g, int depth) throws BundleException {
        String p = "graphs." + role.key();
        List<TensorSpec> inputs = tensors(json.array(g, p, "inputs"), p + ".inputs");
        List<TensorSpec> outputs = tensors(json.array(g, p, "outputs"), p + ".outputs");
        List<String> in = role.inputNames();
        List<String> out = role.outputNames();
        if (role == GraphRole.STEP && !GraphRole.stackedCache(inputs.stream().map(TensorSpec::name).toList())) {
            in = GraphRole.stepInputsPerBlock(depth);       // one cache input per block (model.depth)
            out = GraphRole.stepOutputsPerBlock(depth);
        }
        checkNames(p + ".inputs", inputs, in);
        checkNames(p + ".outputs", outputs, out);
        return new GraphSpec(json.string(g, p, "file"), inputs, outputs);
    }

    private List<TensorSpec> tensors(JsonArray array, String path) throws BundleException {
        List<TensorSpec> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String p = path + "[" + i + "]";
            JsonElement e = array.get(i);
            if (!e.isJsonObject()) {
                throw json.wrongType(p, "an object {name, dtype, shape}", e);
            }
            JsonObject t = e.getAsJsonObject();
            String dtypeName = json.string(t, p, "dtype");
            DType dtype = DType.fromManifestName(dtypeName).orElseThrow(
                    () -> json.error(p + ".dtype", "is \"" + dtypeName + "\", which is not a known element type"));
            out.add(new TensorSpec(json.string(t, p, "name"), dtype, shape(json.array(t, p, "shape"), p + ".shape")));
        }
        return out;
    }

    private List<Dim> shape(JsonArray array, String path) throws BundleException {
        List<Dim> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonElement e = array.get(i);
            String p = path + "[" + i + "]";
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                if (e.getAsString().isBlank()) {
                    throw json.error(p, "is an empty symbol");
                }
                out.add(Dim.symbol(e.getAsString()));
            } else {
                out.add(Dim.fixed(json.integer(e, p, 0)));
            }
        }
        long elements = 1;
        for (Dim d : out) {
            if (!d.isSymbolic()) {
                try {
                    elements = Math.multiplyExact(elements, d.size());
                } catch (ArithmeticException e) {
                    throw json.error(path, "has fixed sizes whose product does not fit in 64 bits, got " + Json.list(out));
                }
            }
        }
        return out;
    }

    private void checkNames(String path, List<TensorSpec> declared, List<String> expected) throws BundleException {
        List<String> names = declared.stream().map(TensorSpec::name).toList();
        if (names.size() != new LinkedHashSet<>(names).size()) {
            throw json.error(path, "declares a name twice: " + Json.list(names));
        }
        if (!Set.copyOf(names).equals(Set.copyOf(expected))) {
            throw json.error(path, "are " + Json.list(names) + ", but format 1 expects " + Json.list(expected));
        }
    }

    private void checkConsistency(BundleManifest manifest) throws BundleException {
        ModelConfig m = manifest.model();
        List<Integer> patches = m.patchNums();
        if (patches.isEmpty()) {
            throw json.error("model.patch_nums", "is empty");
        }
        for (int k = 1; k < patches.size(); k++) {
            if (patches.get(k) <= patches.get(k - 1)) {
                throw json.error("model.patch_nums", "must increase strictly, got " + Json.list(patches));
            }
        }
        if ((long) m.finestPatch() * m.downsample() != m.resolution()) {
            throw json.error("model.resolution", "is " + m.resolution() + ", but the last of model.patch_nums ("
                    + m.finestPatch() + ") times model.downsample (" + m.downsample() + ") is "
                    + (long) m.finestPatch() * m.downsample());
        }
        if ((long) m.headDim() * m.numHeads() != m.embedDim()) {
            throw json.error("model.embed_dim", "is " + m.embedDim() + ", but model.head_dim × model.num_heads is "
                    + m.headDim() + " × " + m.numHeads() + " = " + (long) m.headDim() * m.numHeads());
        }
        if (m.headDim() % 4 != 0) {
            throw json.error("model.head_dim", "must be a multiple of 4 (2D RoPE splits it in quarters), got "
                    + m.headDim());
        }
        if (m.quantResi() < 0 || m.quantResi() > 1) {
            throw json.error("model.quant_resi", "must be between 0 and 1, got " + m.quantResi());
        }
        if (manifest.text().maxPromptTokens() != m.contextTokens()) {
            throw json.error("text.max_prompt_tokens", "is " + manifest.text().maxPromptTokens()
                    + ", but model.context_tokens is " + m.contextTokens());
        }
        List<Integer> topK = manifest.samplingDefaults().topK();
        if (topK.size() != patches.size()) {
            throw json.error("sampling_defaults.top_k", "has " + topK.size() + " entries, but model.patch_nums has "
                    + patches.size() + " scales (one top_k per scale)");
        }
        for (int k = 0; k < topK.size(); k++) {
            if (topK.get(k) > m.codebookSize()) {
                throw json.error("sampling_defaults.top_k[" + k + "]", "is " + topK.get(k)
                        + ", more than model.codebook_size " + m.codebookSize());
            }
        }
    }
}

package dev.hartstudio.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.hartstudio.engine.generate.Branch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The token trace of one generation (docs/BUNDLE.md, "Trace"), field for field what the Python
 * reference's {@code hart_export sample --trace} writes, so the two can be compared token by token.
 *
 * @param tokens {@code tokens[scale][image]} = ids, row-major
 * @param branch for a branched generation its branch point, the seeds of the generation the kept
 *     tokens come from, and (as {@link Branch#parent()}) that generation's own branch points down to
 *     the first one, so a branch of it keeps every kept scale's noise; the kept tokens themselves are
 *     in {@code tokens} ({@link Branch#tokens()} is null). Null when not branched.
 */
record Trace(String bundleName, String manifestSha256, List<String> prompts, List<Long> seeds, double cfg,
             List<Integer> topK, double topP, boolean moreSmooth, boolean discreteOnly, boolean greedy,
             Branch branch, int[][][] tokens) {

    static final String FORMAT = "hart-trace";
    static final int VERSION = 1;
    static final String RNG = "hart-rng-v1";

    int images() {
        return tokens.length == 0 ? 0 : tokens[0].length;
    }

    /** The trace of image {@code b} alone (a batch of one). */
    Trace single(int b) {
        int[][][] one = new int[tokens.length][][];
        for (int k = 0; k < tokens.length; k++) {
            one[k] = new int[][] {tokens[k][b]};
        }
        return new Trace(bundleName, manifestSha256, List.of(prompts.get(b)), List.of(seeds.get(b)), cfg, topK, topP,
                moreSmooth, discreteOnly, greedy, forImage(branch, b), one);
    }

    /** A request's branch as a trace keeps it: its branch points, without the kept tokens. */
    static Branch points(Branch branch) {
        return branch == null ? null
                : new Branch(branch.fromScale(), branch.originalSeeds(), null, points(branch.parent()));
    }

    /** The chain of branch points of image {@code b} alone (one seed per level). */
    static Branch forImage(Branch branch, int b) {
        return branch == null ? null
                : new Branch(branch.fromScale(), List.of(branch.originalSeeds().get(b)), null, forImage(branch.parent(), b));
    }

    String toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", VERSION);
        root.addProperty("rng", RNG);
        JsonObject bundle = new JsonObject();
        bundle.addProperty("name", bundleName);
        bundle.addProperty("manifest_sha256", manifestSha256);
        root.add("bundle", bundle);
        JsonObject params = new JsonObject();
        JsonArray p = new JsonArray();
        prompts.forEach(p::add);
        params.add("prompts", p);
        params.add("seeds", longs(seeds));
        params.addProperty("cfg", cfg);
        JsonArray k = new JsonArray();
        topK.forEach(k::add);
        params.add("top_k", k);
        params.addProperty("top_p", topP);
        params.addProperty("more_smooth", moreSmooth);
        params.addProperty("discrete_only", discreteOnly);
        params.addProperty("greedy", greedy);
        params.add("branch", branch == null ? JsonNull.INSTANCE : chain(branch));
        root.add("params", params);
        JsonArray scales = new JsonArray();
        for (int[][] scale : tokens) {
            JsonArray images = new JsonArray();
            for (int[] ids : scale) {
                JsonArray row = new JsonArray(ids.length);
                for (int id : ids) {
                    row.add(id);
                }
                images.add(row);
            }
            scales.add(images);
        }
        root.add("tokens", scales);
        return root.toString();
    }

    /** {from_scale, seeds, parent?}: the Python reference's form, the parent nested the same way. */
    private static JsonObject chain(Branch branch) {
        JsonObject o = new JsonObject();
        o.addProperty("from_scale", branch.fromScale());
        o.add("seeds", longs(branch.originalSeeds()));
        if (branch.parent() != null) {
            o.add("parent", chain(branch.parent()));
        }
        return o;
    }

    private static Branch readChain(JsonElement e, int images, int depth) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (depth > 1000) {
            throw new IllegalStateException("the branch chain is deeper than 1000 levels");
        }
        JsonObject o = e.getAsJsonObject();
        int from = o.get("from_scale").getAsInt();
        List<Long> seeds = toLongs(o.getAsJsonArray("seeds"));
        if (from < 1 || seeds.size() != images) {
            throw new IllegalStateException("a branch point has from_scale " + from + " and " + seeds.size()
                    + " seeds for " + images + " images");
        }
        return new Branch(from, seeds, null, readChain(o.get("parent"), images, depth + 1));
    }

    /**
     * Reads a trace written by this CLI or by the Python reference.
     *
     * @throws UsageException naming the file and what is wrong with it
     */
    static Trace read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("Cannot read the trace " + file + ": " + e.getMessage() + ".");
        }
        try {
            JsonObject root = JsonParser.parseString(text).getAsJsonObject();
            if (!root.has("format") || !FORMAT.equals(root.get("format").getAsString())) {
                throw new UsageException(file + " is not a hart-trace file (its \"format\" is not \"" + FORMAT + "\").");
            }
            if (root.get("version").getAsInt() != VERSION) {
                throw new UsageException(file + ": trace version " + root.get("version") + " is not supported (only 1).");
            }
            JsonObject bundle = root.getAsJsonObject("bundle");
            JsonObject params = root.getAsJsonObject("params");
            List<String> prompts = new ArrayList<>();
            params.getAsJsonArray("prompts").forEach(e -> prompts.add(e.getAsString()));
            List<Integer> topK = new ArrayList<>();
            params.getAsJsonArray("top_k").forEach(e -> topK.add(e.getAsInt()));
            JsonArray scales = root.getAsJsonArray("tokens");
            int[][][] tokens = new int[scales.size()][][];
            for (int k = 0; k < tokens.length; k++) {
                JsonArray images = scales.get(k).getAsJsonArray();
                tokens[k] = new int[images.size()][];
                for (int b = 0; b < images.size(); b++) {
                    JsonArray ids = images.get(b).getAsJsonArray();
                    tokens[k][b] = new int[ids.size()];
                    for (int n = 0; n < ids.size(); n++) {
                        tokens[k][b][n] = ids.get(n).getAsInt();
                    }
                }
            }
            List<Long> seeds = toLongs(params.getAsJsonArray("seeds"));
            Branch branch = readChain(params.get("branch"), seeds.size(), 0);
            JsonElement sha = bundle.get("manifest_sha256");
            return new Trace(bundle.get("name").getAsString(), sha == null || sha.isJsonNull() ? null : sha.getAsString(),
                    prompts, seeds, params.get("cfg").getAsDouble(), topK,
                    params.get("top_p").getAsDouble(), params.get("more_smooth").getAsBoolean(),
                    params.get("discrete_only").getAsBoolean(), params.get("greedy").getAsBoolean(), branch, tokens);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                 | ClassCastException | NumberFormatException e) {
            throw new UsageException(file + " is not a readable hart-trace file: " + describe(e) + ".");
        }
    }

    private static String describe(RuntimeException e) {
        return e instanceof NullPointerException || e.getMessage() == null ? "a required field is missing" : e.getMessage();
    }

    private static JsonArray longs(List<Long> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static List<Long> toLongs(JsonArray array) {
        List<Long> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsLong()));
        return out;
    }
}

package dev.hartstudio.bundle;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The contents of manifest.json (docs/BUNDLE.md), validated: every field is present and consistent.
 * Read it with {@link Bundle#open}.
 *
 * @param card file name of the model card, or null
 * @param schedule file name of the schedule ({@code schedule.json} unless the manifest says otherwise)
 * @param codebook file name of the codebook {@code [V, Cv]} float32
 * @param preview file name of the latent-to-RGB matrix {@code [Cv + 1, 3]} float32
 * @param files file name to lower-case hex sha256 of every bundle file except manifest.json
 * @param graphs the graphs the bundle provides, by role (every required role is present)
 * @param fp32Bundle for an fp16 bundle, the folder name of the fp32 bundle it was made from, or null
 */
public record BundleManifest(
        String format,
        int formatVersion,
        String name,
        String description,
        String card,
        String createdBy,
        String precision,
        String rng,
        ModelConfig model,
        TextConfig text,
        SamplingDefaults samplingDefaults,
        String schedule,
        String codebook,
        String preview,
        Map<String, String> files,
        Map<GraphRole, GraphSpec> graphs,
        String fp32Bundle) {

    /** The only value of {@code format} this app reads. */
    public static final String FORMAT = "hart-bundle";
    /** The only value of {@code format_version} this app reads. */
    public static final int FORMAT_VERSION = 1;

    public BundleManifest {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        graphs = Collections.unmodifiableMap(graphs.isEmpty() ? new EnumMap<>(GraphRole.class) : new EnumMap<>(graphs));
    }

    public Optional<GraphSpec> graph(GraphRole role) {
        return Optional.ofNullable(graphs.get(role));
    }
}

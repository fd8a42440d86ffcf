package dev.hartstudio.ui.engine;

import dev.hartstudio.bundle.SamplingDefaults;
import java.nio.file.Path;
import java.util.List;

/**
 * What the UI needs to know about the loaded model and where it runs.
 *
 * @param name the bundle's manifest name
 * @param description the bundle's description
 * @param folder the bundle folder
 * @param resolution image side in pixels
 * @param patchNums token map side per scale, coarse to fine ({@code K} entries)
 * @param codebookSize {@code V}, the largest useful top-k
 * @param defaults the bundle's sampling defaults
 * @param provider the provider the graphs use, e.g. {@code cpu} or {@code cuda:0}
 * @param providerReason why that provider, e.g. "no NVIDIA driver found"
 * @param usesCuda whether the graphs run on a GPU
 */
public record ModelInfo(String name, String description, Path folder, int resolution, List<Integer> patchNums,
                        int codebookSize, SamplingDefaults defaults, String provider, String providerReason,
                        boolean usesCuda) {

    public ModelInfo {
        patchNums = List.copyOf(patchNums);
    }

    /** {@code K}, the number of AR scales. */
    public int scales() {
        return patchNums.size();
    }

    /** Diffusion steps of the residual head. */
    public int diffusionSteps() {
        return defaults.diffusionSteps();
    }

    /** E.g. "CPU (no NVIDIA driver found)" or "CUDA:0". */
    public String providerLabel() {
        String p = provider.toUpperCase(java.util.Locale.ROOT);
        return usesCuda || providerReason == null || providerReason.isBlank() ? p : p + " (" + providerReason + ")";
    }
}

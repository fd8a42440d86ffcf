package dev.hartstudio.bundle;

import java.util.List;

/**
 * manifest.json {@code model}: the sizes of one HART model (symbols as in docs/BUNDLE.md).
 *
 * @param resolution image side in pixels ({@code P · downsample})
 * @param patchNums side {@code p_k} of the token map of each scale, coarse to fine
 * @param latentChannels {@code Cv}
 * @param codebookSize {@code V}
 * @param contextTokens {@code T}, the number of text slots
 * @param contextDim {@code Dt}, the text hidden size
 * @param embedDim {@code C}, the transformer width
 * @param depth {@code NL}, the number of blocks
 * @param numHeads {@code H}
 * @param headDim {@code d = C / H}
 * @param diffusionWidth {@code W}
 * @param diffusionDepth residual blocks of the diffusion MLP
 * @param downsample pixels per latent cell (16)
 * @param quantResi {@code λ} of the Phi convolutions
 * @param phiCount number of shared Phi convolutions
 */
public record ModelConfig(
        int resolution,
        List<Integer> patchNums,
        int latentChannels,
        int codebookSize,
        int contextTokens,
        int contextDim,
        int embedDim,
        int depth,
        int numHeads,
        int headDim,
        int diffusionWidth,
        int diffusionDepth,
        int downsample,
        double quantResi,
        int phiCount) {

    public ModelConfig {
        patchNums = List.copyOf(patchNums);
    }

    /** {@code K}, the number of scales. */
    public int scales() {
        return patchNums.size();
    }

    /** {@code P}, the side of the finest token map and of the latent. */
    public int finestPatch() {
        return patchNums.get(patchNums.size() - 1);
    }
}

package dev.hartstudio.engine.generate;

import java.util.List;

/**
 * What the hybrid tokenizer keeps and loses for one image (HART-INFERENCE 6.4).
 *
 * @param input the image as the model saw it (fitted to the model resolution)
 * @param fitDescription how the original was converted, resized or cropped
 * @param perScale discrete reconstruction after scales 1..K (K images; the last equals {@code discrete})
 * @param discrete decode of the full discrete latent
 * @param hybrid decode of discrete + continuous residual (= the encoder's latent)
 * @param psnrPerScale PSNR (dB) of each {@code perScale} image against {@code input}
 * @param errorDiscrete per-pixel absolute error of {@code discrete}, {@code [H*W]}, 0..1
 * @param errorHybrid the same for {@code hybrid}
 * @param tokens {@code tokens[scale][0]} = token ids of that scale, row-major
 * @param patchNums side of each scale's token map
 */
public record ReconstructionResult(
        RgbImage input,
        String fitDescription,
        List<RgbImage> perScale,
        RgbImage discrete,
        RgbImage hybrid,
        double[] psnrPerScale,
        double psnrDiscrete,
        double psnrHybrid,
        double ssimDiscrete,
        double ssimHybrid,
        float[] errorDiscrete,
        float[] errorHybrid,
        int[][][] tokens,
        int[] patchNums) {
}

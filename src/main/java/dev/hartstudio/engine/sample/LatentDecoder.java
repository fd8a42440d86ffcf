package dev.hartstudio.engine.sample;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hartstudio.bundle.GraphRole;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.Ort;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.engine.generate.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage "decoding and output" (HART-INFERENCE 4.8, 6.1) and the previews: the latent
 * {@code f_hat [B, Cv, P, P]} through {@code vae_decoder} to images in [0, 1], or through the
 * bundle's latent-to-RGB matrix for a cheap preview. Owns the decoder's input and image buffers
 * and the last decoded batch.
 */
final class LatentDecoder {

    private final ModelConfig model;
    private final GraphRunner graphs;
    /** Latent-to-RGB preview matrix {@code [Cv + 1, 3]} (the last row is the bias). */
    private final float[] preview;
    private final DirectStores stores = new DirectStores();
    private float[] lastPlanar;

    LatentDecoder(ModelConfig model, float[] preview, GraphRunner graphs) {
        this.model = model;
        this.preview = preview;
        this.graphs = graphs;
    }

    /** The last decoded image batch as planar floats {@code [B, 3, H, W]} in [0, 1]; reused by the next decode. */
    float[] lastPlanarImage() {
        return lastPlanar;
    }

    /** The images of {@code fhat [B, Cv, P, P]}: input and image in reused direct buffers, the image copied once. */
    List<RgbImage> decode(float[] fhat, int batch, GenerationControl control) throws OrtException, EngineException {
        int cv = model.latentChannels();
        int big = model.finestPatch();
        int side = big * model.downsample();
        int n = batch * 3 * side * side;
        try (OnnxTensor f = stores.input(Ort.environment(), DirectStores.Slot.DECODE_IN, fhat, batch, cv, big, big);
             OnnxTensor imgT = stores.output(Ort.environment(), DirectStores.Slot.IMAGE, batch, 3, side, side);
             OrtSession.Result r = graphs.run(GraphRole.VAE_DECODER, Map.of("f_hat", f), Set.of(),
                     Map.of("image", imgT), control)) {
            if (lastPlanar == null || lastPlanar.length != n) {
                lastPlanar = new float[n];
            }
            stores.floats(DirectStores.Slot.IMAGE, n).get(lastPlanar);
        }
        return images(lastPlanar, batch, side);
    }

    /** The images of a latent on buffers of their own (the deferred discrete-only images, decoded after the generation). */
    List<RgbImage> decodeApart(float[] fhat, int batch) throws EngineException {
        float[] img = decodePlanar(fhat, batch, new GenerationControl());   // a closed model says so
        return images(img, batch, model.finestPatch() * model.downsample());
    }

    /** Decodes a latent {@code [B, Cv, P, P]} to planar floats {@code [B, 3, H, W]} in [0, 1]. */
    float[] decodePlanar(float[] fhat, int batch, GenerationControl control) throws EngineException {
        int cv = model.latentChannels();
        int big = (int) Math.round(Math.sqrt(fhat.length / (batch * cv)));
        try (OnnxTensor f = Tensors.tensor(Ort.environment(), fhat, batch, cv, big, big);
             OrtSession.Result r = graphs.run(GraphRole.VAE_DECODER, Map.of("f_hat", f), control)) {
            return Tensors.floats(r, "image");
        } catch (OrtException e) {
            throw new EngineException("Could not build a tensor: " + e.getMessage(), e);
        }
    }

    /** The previews of {@code fhat} in {@code mode} (none: an empty list). */
    List<RgbImage> preview(PreviewMode mode, float[] fhat, int batch, GenerationControl control)
            throws OrtException, EngineException {
        if (mode == PreviewMode.NONE) {
            return List.of();
        }
        if (mode == PreviewMode.FULL_DECODE) {
            return decode(fhat, batch, control);
        }
        int cv = model.latentChannels();
        int big = model.finestPatch();
        List<RgbImage> out = new ArrayList<>(batch);
        int l = big * big;
        float[] planar = new float[3 * l];
        for (int b = 0; b < batch; b++) {
            for (int n = 0; n < l; n++) {
                for (int ch = 0; ch < 3; ch++) {
                    float s = preview[cv * 3 + ch];
                    for (int c = 0; c < cv; c++) {
                        s += fhat[(b * cv + c) * l + n] * preview[c * 3 + ch];
                    }
                    planar[ch * l + n] = s;
                }
            }
            out.add(RgbImage.fromPlanar(planar, 0, big, big));
        }
        return out;
    }

    private static List<RgbImage> images(float[] planar, int batch, int side) {
        List<RgbImage> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            out.add(RgbImage.fromPlanar(planar, b * 3 * side * side, side, side));
        }
        return out;
    }
}

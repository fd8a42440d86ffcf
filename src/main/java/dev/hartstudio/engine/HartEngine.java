package dev.hartstudio.engine;

import dev.hartstudio.bundle.Bundle;
import dev.hartstudio.bundle.BundleException;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationListener;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.FitMode;
import dev.hartstudio.engine.image.ImageFit;
import dev.hartstudio.engine.sample.Reconstructor;
import dev.hartstudio.engine.sample.Sampler;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The one facade the studio and the CLI use: a validated bundle, its graphs on the chosen execution
 * provider, the prompt tokenizer and the sampler. Generations on one engine are serialised; close
 * waits for a generation in flight (cancel it first for a fast close).
 */
public final class HartEngine implements AutoCloseable {

    private final Bundle bundle;
    private final ProviderChoice provider;
    private final BundleGraphs graphs;
    private final TextEncoder text;
    private final Sampler sampler;
    private boolean closed;

    private HartEngine(Bundle bundle, ProviderChoice provider, BundleGraphs graphs, TextEncoder text) {
        this.bundle = bundle;
        this.provider = provider;
        this.graphs = graphs;
        this.text = text;
        this.sampler = new Sampler(bundle, graphs, text);
    }

    /**
     * Opens and validates the bundle in {@code bundleFolder} and loads its graphs on the provider
     * resolved from {@code requested} (CUDA falls back to CPU with the reason kept in {@link #provider()}).
     */
    public static HartEngine open(Path bundleFolder, ExecutionProvider requested) throws EngineException {
        dev.hartstudio.engine.sample.RowMath.warmUpInBackground();    // compiles while the graphs load
        Bundle bundle;
        try {
            bundle = Bundle.open(bundleFolder);
        } catch (BundleException e) {
            throw new EngineException(e.getMessage(), e);
        }
        ProviderChoice provider = new ProviderResolver().resolve(requested);
        BundleGraphs graphs = null;
        TextEncoder text = null;
        try {
            graphs = BundleGraphs.open(bundle, provider);
            text = TextEncoder.open(bundle);
            return new HartEngine(bundle, provider, graphs, text);
        } catch (EngineException | RuntimeException e) {
            if (text != null) {
                text.close();
            }
            if (graphs != null) {
                try {
                    graphs.close();
                } catch (EngineException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            provider.close();
            throw e;
        }
    }

    public Bundle bundle() {
        return bundle;
    }

    public ProviderChoice provider() {
        return provider;
    }

    /** ONNX Runtime's version string. */
    public static String ortVersion() {
        try {
            return Ort.environment().getVersion();
        } catch (EngineException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Generates the request's images, streaming an event per AR scale and per diffusion step to
     * {@code listener} on the calling thread.
     *
     * @throws EngineCancelledException when {@code control} was cancelled
     */
    public synchronized GenerationResult generate(GenerationRequest request, GenerationListener listener,
            GenerationControl control) throws EngineException {
        if (closed) {
            throw new EngineException("The engine is closed.");
        }
        return sampler.generate(request, listener == null ? GenerationListener.NONE : listener,
                control == null ? new GenerationControl() : control);
    }

    /**
     * What the model will read of {@code prompt} (token count, the part kept after truncation,
     * unknown words) or why it is refused. Does not wait for a generation in flight.
     */
    public PromptCheck checkPrompt(String prompt) throws EngineException {
        try {
            return text.check(prompt);
        } catch (IllegalStateException e) {
            throw new EngineException("The engine is closed.");
        } catch (RuntimeException e) {
            throw new EngineException("The prompt could not be tokenised: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes {@code image} (any size; fitted to the model resolution with {@code fit}) and shows
     * what the tokenizer keeps: discrete reconstructions after every scale, the full discrete one and
     * the hybrid (discrete + residual) one, with PSNR/SSIM and error maps.
     */
    public synchronized ReconstructionResult reconstruct(BufferedImage image, FitMode fit, CancelToken cancel)
            throws EngineException {
        if (closed) {
            throw new EngineException("The engine is closed.");
        }
        var fitted = ImageFit.fit(RgbImage.of(image), bundle.manifest().model().resolution(), fit);
        return new Reconstructor(bundle, graphs).reconstruct(fitted, cancel == null ? new CancelToken() : cancel);
    }

    /** The sampler (reconstruction and benchmarks use its decode). */
    Sampler sampler() {
        return sampler;
    }

    TextEncoder text() {
        return text;
    }

    BundleGraphs graphs() {
        return graphs;
    }

    @Override
    public synchronized void close() throws EngineException {
        if (closed) {
            return;
        }
        closed = true;
        EngineException first = null;
        text.close();
        try {
            graphs.close();
        } catch (EngineException e) {
            first = e;
        }
        provider.close();
        if (first != null) {
            throw first;
        }
    }
}

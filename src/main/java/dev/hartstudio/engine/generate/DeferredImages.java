package dev.hartstudio.engine.generate;

import dev.hartstudio.engine.EngineException;
import java.util.List;
import java.util.Objects;

/**
 * Images that are decoded the first time someone asks for them. A generation's discrete-only images
 * cost one more VAE decode, as much as the final image itself; the CLI and the benchmarks never look
 * at them, the studio decodes them off the UI thread once a generation ends.
 */
public final class DeferredImages {

    /** Produces the images; called at most once. */
    @FunctionalInterface
    public interface Decoder {
        List<RgbImage> decode() throws EngineException;
    }

    private Decoder decoder;
    private volatile List<RgbImage> images;

    private DeferredImages(Decoder decoder, List<RgbImage> images) {
        this.decoder = decoder;
        this.images = images;
    }

    /** Images that exist already. */
    public static DeferredImages of(List<RgbImage> images) {
        return new DeferredImages(null, List.copyOf(images));
    }

    /** Images that {@code decoder} makes on first use. */
    public static DeferredImages deferred(Decoder decoder) {
        return new DeferredImages(Objects.requireNonNull(decoder, "decoder"), null);
    }

    /** The images, decoding them now if nobody has yet (blocks; never call it on a UI thread). */
    public List<RgbImage> get() throws EngineException {
        List<RgbImage> done = images;
        if (done != null) {
            return done;
        }
        synchronized (this) {
            if (images == null) {
                images = List.copyOf(decoder.decode());
                decoder = null;                       // lets the latent it holds go
            }
            return images;
        }
    }

    /** The images if they are decoded, else null; never blocks. */
    public List<RgbImage> ifDecoded() {
        return images;
    }

    public boolean isDecoded() {
        return images != null;
    }
}

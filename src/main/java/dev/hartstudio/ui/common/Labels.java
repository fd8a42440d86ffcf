package dev.hartstudio.ui.common;

import dev.hartstudio.engine.generate.PreviewMode;
import java.util.function.Function;
import javafx.util.StringConverter;

/** User-facing names of engine values, shared by the views. */
public final class Labels {

    private Labels() {
    }

    public static String previewMode(PreviewMode m) {
        return switch (m) {
            case LATENT_RGB -> "Fast (latent → RGB)";
            case FULL_DECODE -> "Full decode (exact, slower)";
            case NONE -> "Off";
        };
    }

    /** A one-way converter for combo boxes. */
    public static <T> StringConverter<T> converter(Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }
}

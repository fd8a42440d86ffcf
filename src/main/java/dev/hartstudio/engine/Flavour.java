package dev.hartstudio.engine;

import java.util.Locale;

/**
 * Which ONNX Runtime build the app carries: {@link #CPU} (the plain {@code onnxruntime} artifact, every
 * platform) or {@link #GPU} ({@code onnxruntime_gpu}, with the CUDA provider). The launcher and the
 * installer pick one with {@link #choose}; the same rule here tells the studio when the machine would
 * be better served by the other build.
 */
public enum Flavour {
    CPU("cpu", "CPU build"), GPU("gpu", "GPU build");

    /** The environment variable that asks the launcher for a flavour: {@code cpu}, {@code gpu} or {@code auto}. */
    public static final String ENV = "HART_FLAVOUR";

    private final String id;
    private final String label;

    Flavour(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** {@code cpu} or {@code gpu}, as in build.properties, the jar name and {@value #ENV}. */
    public String id() {
        return id;
    }

    /** E.g. "CPU build". */
    public String label() {
        return label;
    }

    /**
     * The flavour to run: the one requested, else (no request, blank or {@code auto}) the GPU one when an
     * NVIDIA driver was found, else the CPU one.
     *
     * @throws IllegalArgumentException when {@code requested} is not cpu, gpu or auto
     */
    public static Flavour choose(String requested, boolean driverFound) {
        String r = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        if (r.isEmpty() || r.equals("auto")) {
            return driverFound ? GPU : CPU;
        }
        return parse(r);
    }

    /** Parses {@code cpu} or {@code gpu} (case and surrounding spaces ignored). */
    public static Flavour parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Flavour f : values()) {
            if (f.id.equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown flavour \"" + text + "\": use cpu, gpu or auto.");
    }

    /**
     * What to tell a user running this flavour: on the CPU build when an NVIDIA driver is found (and the
     * CPU build was not asked for), how to get the GPU build; otherwise empty.
     */
    public String hint(String requested, boolean driverFound) {
        Flavour wanted;
        try {
            wanted = choose(requested, driverFound);
        } catch (IllegalArgumentException e) {
            wanted = choose(null, driverFound);
        }
        if (this == CPU && wanted == GPU) {
            return "NVIDIA GPU found: start the GPU build for it (" + ENV + "=gpu ./hart-studio, or the GPU installer)";
        }
        return "";
    }
}

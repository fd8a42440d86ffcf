package dev.hartstudio.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build of HART Studio is: its version, its {@link Flavour} and the ONNX Runtime version it
 * carries. Read from {@code dev/hartstudio/build.properties}, which the Maven build writes.
 *
 * @param version the app version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param flavour the ONNX Runtime build in the jar
 * @param onnxRuntimeVersion e.g. {@code 1.29.0}
 */
public record BuildInfo(String version, Flavour flavour, String onnxRuntimeVersion) {

    static final String RESOURCE = "/dev/hartstudio/build.properties";

    private static BuildInfo current;

    /** This build's information (read once). */
    public static synchronized BuildInfo current() {
        if (current == null) {
            try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing: build HART Studio with Maven (./mvnw package).");
                }
                Properties p = new Properties();
                p.load(in);
                current = parse(p);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + RESOURCE + ".", e);
            }
        }
        return current;
    }

    /**
     * Reads the properties {@code version}, {@code flavour} and {@code onnxruntime.version}.
     *
     * @throws IllegalStateException naming the first one that is missing, unfiltered or unknown
     */
    static BuildInfo parse(Properties p) {
        String version = required(p, "version");
        String flavour = required(p, "flavour");
        String ort = required(p, "onnxruntime.version");
        try {
            return new BuildInfo(version, Flavour.parse(flavour), ort);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("build.properties names flavour \"" + flavour + "\": expected cpu or gpu.", e);
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        if (v.isEmpty() || v.startsWith("${")) {
            throw new IllegalStateException("build.properties has no value for " + key
                    + " (was it copied without Maven's resource filtering?).");
        }
        return v;
    }

    /** E.g. "HART Studio 0.1.0-SNAPSHOT (CPU build, ONNX Runtime 1.29.0)". */
    public String describe() {
        return "HART Studio " + version + " (" + flavour.label() + ", ONNX Runtime " + onnxRuntimeVersion + ")";
    }
}

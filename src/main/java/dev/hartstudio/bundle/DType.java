package dev.hartstudio.bundle;

import java.util.Arrays;
import java.util.Optional;

/** Element types a manifest may declare for graph inputs and outputs (NumPy names). */
public enum DType {
    FLOAT32("float32"),
    FLOAT16("float16"),
    BFLOAT16("bfloat16"),
    FLOAT64("float64"),
    INT64("int64"),
    INT32("int32"),
    INT8("int8"),
    UINT8("uint8"),
    BOOL("bool");

    private final String manifestName;

    DType(String manifestName) {
        this.manifestName = manifestName;
    }

    /** The name used in manifest.json, e.g. {@code "float32"}. */
    public String manifestName() {
        return manifestName;
    }

    public static Optional<DType> fromManifestName(String name) {
        return Arrays.stream(values()).filter(t -> t.manifestName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return manifestName;
    }
}

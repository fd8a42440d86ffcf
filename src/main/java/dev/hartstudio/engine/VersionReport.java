package dev.hartstudio.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code hart-studio --version} prints and the About dialog shows: the app version, the ONNX
 * Runtime version and flavour, the execution provider and the bundle.
 *
 * @param build this build
 * @param provider where the graphs run, e.g. {@code cpu (no NVIDIA driver found)}
 * @param bundle the bundle, e.g. {@code HART-tiny (assets/models/hart-tiny)}, or why there is none
 */
public record VersionReport(BuildInfo build, String provider, String bundle) {

    /** One labelled line. */
    public record Row(String label, String value) {
    }

    /** The rows, in the order shown. */
    public List<Row> rows() {
        return List.of(new Row("HART Studio", build.version()),
                new Row("ONNX Runtime", build.onnxRuntimeVersion() + ", " + build.flavour().label() + " ("
                        + (build.flavour() == Flavour.GPU ? "onnxruntime_gpu" : "onnxruntime") + ")"),
                new Row("Provider", provider), new Row("Bundle", bundle));
    }

    /** The rows as aligned {@code label  value} lines. */
    public String text() {
        int width = rows().stream().mapToInt(r -> r.label().length()).max().orElse(0) + 2;
        return rows().stream().map(r -> String.format("%-" + width + "s%s", r.label(), r.value()))
                .collect(Collectors.joining(System.lineSeparator()));
    }
}

package dev.hartstudio.bundle;

import java.util.List;
import java.util.Optional;

/**
 * One entry of manifest.json {@code graphs}: the ONNX file and its declared inputs and outputs.
 *
 * @param file plain file name inside the bundle folder
 */
public record GraphSpec(String file, List<TensorSpec> inputs, List<TensorSpec> outputs) {

    public GraphSpec {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}

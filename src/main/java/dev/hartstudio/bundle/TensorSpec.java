package dev.hartstudio.bundle;

import java.util.List;

/**
 * A graph input or output as declared in manifest.json: {@code {name, dtype, shape}}.
 *
 * @param shape one {@link Dim} per axis (its size is the rank)
 */
public record TensorSpec(String name, DType dtype, List<Dim> shape) {

    public TensorSpec {
        shape = List.copyOf(shape);
    }

    public int rank() {
        return shape.size();
    }

    /** E.g. {@code x float32 [N2, l, 64]}. */
    @Override
    public String toString() {
        return name + " " + dtype + " " + shape;
    }
}

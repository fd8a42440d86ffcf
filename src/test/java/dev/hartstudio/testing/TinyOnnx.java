package dev.hartstudio.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes tiny ONNX models (protobuf encoded by hand, opset 17) for engine tests, so the tests need
 * no Python and no binary fixtures.
 */
public final class TinyOnnx {

    /** ONNX TensorProto.DataType values. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    /**
     * A graph input or output.
     *
     * @param dims each an Integer (fixed size) or a String (dynamic axis name)
     */
    public record Value(String name, int elemType, List<Object> dims) {
    }

    /**
     * One node, e.g. {@code new Node("MatMul", List.of("a", "b"), List.of("c"))}, with integer and
     * integer-list attributes (a {@code Constant} with {@code value_ints} gives an int64 tensor).
     */
    public record Node(String opType, List<String> inputs, List<String> outputs, Map<String, Long> intAttributes,
                       Map<String, long[]> intsAttributes) {

        public Node(String opType, List<String> inputs, List<String> outputs, Map<String, Long> intAttributes) {
            this(opType, inputs, outputs, intAttributes, Map.of());
        }

        public Node(String opType, List<String> inputs, List<String> outputs) {
            this(opType, inputs, outputs, Map.of());
        }
    }

    private TinyOnnx() {
    }

    public static Value value(String name, int elemType, Object... dims) {
        return new Value(name, elemType, List.of(dims));
    }

    /** A model whose output is its input: {@code output = Identity(input)}. */
    public static void identity(Path file, Value input, Value output) throws IOException {
        write(file, List.of(input), List.of(output),
                List.of(new Node("Identity", List.of(input.name()), List.of(output.name()))));
    }

    /**
     * A model with the given inputs and outputs where output {@code i} is input {@code i mod n},
     * passed through (Identity) or cast to float (Cast) when the types differ.
     */
    public static void passThrough(Path file, List<Value> inputs, List<Value> outputs) throws IOException {
        List<Node> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Value in = inputs.get(i % inputs.size());
            Value out = outputs.get(i);
            nodes.add(in.elemType() == out.elemType()
                    ? new Node("Identity", List.of(in.name()), List.of(out.name()))
                    : new Node("Cast", List.of(in.name()), List.of(out.name()), Map.of("to", (long) out.elemType())));
        }
        write(file, inputs, outputs, nodes);
    }

    /** {@code y = x·x·…·x} ({@code count} MatMuls of a square float matrix), slow enough to cancel. */
    public static void matMulChain(Path file, int count) throws IOException {
        List<Node> nodes = new java.util.ArrayList<>();
        String previous = "x";
        for (int i = 0; i < count; i++) {
            String out = i == count - 1 ? "y" : "h" + i;
            nodes.add(new Node("MatMul", List.of(previous, "x"), List.of(out)));
            previous = out;
        }
        write(file, List.of(value("x", FLOAT, "n", "n")), List.of(value("y", FLOAT, "n", "n")), nodes);
    }

    /**
     * {@code y = x + w} for {@code x [n]} float, where the weight {@code w} is stored as ONNX external
     * data: the graph names {@code location} (relative to its folder) at {@code offset}, and
     * {@code w}'s little-endian bytes are written there when {@code location} is a plain file name.
     */
    public static void addExternalWeight(Path file, String location, long offset, float[] w) throws IOException {
        List<Node> nodes = List.of(new Node("Add", List.of("x", "w"), List.of("y")));
        Proto graph = graph(List.of(value("x", FLOAT, w.length)), List.of(value("y", FLOAT, w.length)), nodes);
        graph.message(5, externalTensor("w", w.length, location, offset, 4L * w.length));
        Files.write(file, model(graph).bytes());
        if (!location.contains("/") && !location.contains("\\") && !location.equals("..")) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) offset + 4 * w.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.position((int) offset);
            for (float v : w) {
                b.putFloat(v);
            }
            Files.write(file.resolveSibling(location), b.array());
        }
    }

    /** A model with no graph, only a producer name: a well-formed ONNX protobuf that no runtime would load. */
    public static void placeholder(Path file, String text) throws IOException {
        Files.write(file, new Proto().string(2, text).bytes());
    }

    /**
     * Appends to the ONNX file {@code file} an initializer {@code name} ({@code length / 4} floats)
     * whose data lies in {@code location} at {@code offset}: protobuf merges a repeated graph field
     * into the graph already there, so the graph gains one external tensor and keeps the rest.
     */
    public static void appendExternalInitializer(Path file, String name, String location, long offset, long length)
            throws IOException {
        Proto graph = new Proto().message(5, externalTensor(name, length / 4, location, offset, length));
        Files.write(file, new Proto().message(7, graph).bytes(), java.nio.file.StandardOpenOption.APPEND);
    }

    private static Proto externalTensor(String name, long count, String location, long offset, long length) {
        // TensorProto: dims = 1, data_type = 2, name = 8, external_data = 13 (key = 1, value = 2), data_location = 14.
        Proto t = new Proto().varint(1, count).varint(2, FLOAT).string(8, name);
        t.message(13, new Proto().string(1, "location").string(2, location));
        t.message(13, new Proto().string(1, "offset").string(2, Long.toString(offset)));
        t.message(13, new Proto().string(1, "length").string(2, Long.toString(length)));
        return t.varint(14, 1);
    }

    public static void write(Path file, List<Value> inputs, List<Value> outputs, List<Node> nodes) throws IOException {
        Files.write(file, model(graph(inputs, outputs, nodes)).bytes());
    }

    private static Proto model(Proto graph) {
        Proto opset = new Proto().string(1, "").varint(2, 17);
        return new Proto().varint(1, 8).string(2, "TinyOnnx").message(7, graph).message(8, opset);
    }

    private static Proto graph(List<Value> inputs, List<Value> outputs, List<Node> nodes) {
        Proto graph = new Proto();
        int i = 0;
        for (Node n : nodes) {
            Proto node = new Proto();
            n.inputs().forEach(s -> node.string(1, s));
            n.outputs().forEach(s -> node.string(2, s));
            node.string(3, "node" + i++);
            node.string(4, n.opType());
            // AttributeProto: name = 1, i = 3, type = 20 (INT = 2).
            n.intAttributes().forEach((name, value) -> node.message(5, new Proto().string(1, name).varint(3, value).varint(20, 2)));
            // AttributeProto: ints = 8 (repeated), type = 20 (INTS = 7).
            n.intsAttributes().forEach((name, values) -> {
                Proto a = new Proto().string(1, name);
                for (long v : values) {
                    a.varint(8, v);
                }
                node.message(5, a.varint(20, 7));
            });
            graph.message(1, node);
        }
        graph.string(2, "tiny");
        inputs.forEach(v -> graph.message(11, valueInfo(v)));
        outputs.forEach(v -> graph.message(12, valueInfo(v)));
        return graph;
    }

    private static Proto valueInfo(Value v) {
        Proto shape = new Proto();
        for (Object d : v.dims()) {
            Proto dim = d instanceof Integer ? new Proto().varint(1, (Integer) d) : new Proto().string(2, (String) d);
            shape.message(1, dim);
        }
        Proto tensor = new Proto().varint(1, v.elemType()).message(2, shape);
        return new Proto().string(1, v.name()).message(2, new Proto().message(1, tensor));
    }

    /** Minimal protobuf writer: varint and length-delimited fields. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return bytes(field, message.bytes());
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private Proto bytes(int field, byte[] value) {
            raw(((long) field << 3) | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        private void raw(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}

package dev.hartstudio.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the tensors of an ONNX file whose data lies in external files (ONNX external data: a
 * {@code TensorProto} with {@code data_location = EXTERNAL} and {@code location}, {@code offset},
 * {@code length} entries). Reads the protobuf wire format directly, skipping tensor contents, over a
 * read-only mapping of the file (an ONNX file is below protobuf's 2 GiB limit by construction).
 * Looks into initializers, sparse initializers, Constant-node and other attribute tensors, subgraphs
 * and functions, wherever ONNX Runtime could follow a location.
 */
final class OnnxExternalData {

    /** One tensor stored outside the graph file. {@code length} is -1 when the entry is absent (to the end of the file). */
    record Ref(String tensor, String location, long offset, long length) {
    }

    // Field numbers of onnx.proto3.
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int FUNCTION_NODE = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTR_T = 5;
    private static final int ATTR_G = 6;
    private static final int ATTR_TENSORS = 10;
    private static final int ATTR_GRAPHS = 11;
    private static final int ATTR_SPARSE_TENSOR = 22;
    private static final int ATTR_SPARSE_TENSORS = 23;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int EXTERNAL = 1;
    private static final int MAX_DEPTH = 64;

    private OnnxExternalData() {
    }

    /**
     * The external-data references of the ONNX file {@code file}, in file order.
     *
     * @throws BundleException when the file cannot be read or is not a well-formed protobuf message
     */
    static List<Ref> read(Path file, String name) throws BundleException {
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new BundleException(name + " is over 2 GiB, which an ONNX file cannot be (large weights belong in external data).");
            }
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        } catch (IOException e) {
            throw new BundleException(name + " could not be read: " + e.getMessage() + ".", e);
        }
        List<Ref> refs = new ArrayList<>();
        try {
            model(bytes.order(ByteOrder.LITTLE_ENDIAN), refs);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new BundleException(name + " is not a readable ONNX file (" + e.getMessage() + ").", e);
        }
        return refs;
    }

    private static void model(ByteBuffer b, List<Ref> refs) {
        new Reader(b).forEach((field, value) -> {
            if (field == MODEL_GRAPH) {
                graph(value, refs, 1);
            } else if (field == MODEL_FUNCTIONS) {
                new Reader(value).forEach((f, v) -> {
                    if (f == FUNCTION_NODE) {
                        node(v, refs, 1);
                    }
                });
            }
        });
    }

    private static void graph(ByteBuffer b, List<Ref> refs, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("subgraphs nested deeper than " + MAX_DEPTH);
        }
        new Reader(b).forEach((field, value) -> {
            switch (field) {
                case GRAPH_NODE -> node(value, refs, depth);
                case GRAPH_INITIALIZER -> tensor(value, refs);
                case GRAPH_SPARSE_INITIALIZER -> sparse(value, refs);
                default -> { }
            }
        });
    }

    private static void node(ByteBuffer b, List<Ref> refs, int depth) {
        new Reader(b).forEach((field, value) -> {
            if (field != NODE_ATTRIBUTE) {
                return;
            }
            new Reader(value).forEach((f, v) -> {
                switch (f) {
                    case ATTR_T, ATTR_TENSORS -> tensor(v, refs);
                    case ATTR_G, ATTR_GRAPHS -> graph(v, refs, depth + 1);
                    case ATTR_SPARSE_TENSOR, ATTR_SPARSE_TENSORS -> sparse(v, refs);
                    default -> { }
                }
            });
        });
    }

    private static void sparse(ByteBuffer b, List<Ref> refs) {
        new Reader(b).forEach((field, value) -> {
            if (field == SPARSE_VALUES || field == SPARSE_INDICES) {
                tensor(value, refs);
            }
        });
    }

    private static void tensor(ByteBuffer b, List<Ref> refs) {
        String[] name = {""};
        String[] location = {null};
        long[] offsetLength = {0, -1};
        long[] dataLocation = {0};
        Reader r = new Reader(b);
        r.forEachWithVarints((field, value, varint) -> {
            if (field == TENSOR_NAME && value != null) {
                name[0] = utf8(value);
            } else if (field == TENSOR_DATA_LOCATION && value == null) {
                dataLocation[0] = varint;
            } else if (field == TENSOR_EXTERNAL_DATA && value != null) {
                String[] kv = {null, null};
                new Reader(value).forEach((f, v) -> {
                    if (f == 1 || f == 2) {
                        kv[f - 1] = utf8(v);
                    }
                });
                if ("location".equals(kv[0])) {
                    location[0] = kv[1];
                } else if ("offset".equals(kv[0])) {
                    offsetLength[0] = number(kv[1], "offset");
                } else if ("length".equals(kv[0])) {
                    offsetLength[1] = number(kv[1], "length");
                }
            }
        });
        if (dataLocation[0] == EXTERNAL) {
            if (location[0] == null) {
                throw new IllegalArgumentException("tensor \"" + name[0] + "\" is external but names no location");
            }
            refs.add(new Ref(name[0], location[0], offsetLength[0], offsetLength[1]));
        }
    }

    private static long number(String s, String what) {
        try {
            long v = Long.parseLong(s == null ? "" : s.trim());
            if (v < 0) {
                throw new IllegalArgumentException("a negative external data " + what);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("external data " + what + " \"" + s + "\" is not a number");
        }
    }

    private static String utf8(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Walks the fields of one message; length-delimited values are handed over as slices. */
    private static final class Reader {
        interface Field {
            void accept(int field, ByteBuffer value);
        }

        interface FieldOrVarint {
            void accept(int field, ByteBuffer value, long varint);
        }

        private final ByteBuffer b;

        Reader(ByteBuffer b) {
            this.b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }

        void forEach(Field f) {
            forEachWithVarints((field, value, varint) -> {
                if (value != null) {
                    f.accept(field, value);
                }
            });
        }

        void forEachWithVarints(FieldOrVarint f) {
            while (b.hasRemaining()) {
                long tag = varint();
                int field = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> f.accept(field, null, varint());
                    case 1 -> skip(8);
                    case 2 -> {
                        long n = varint();
                        if (n < 0 || n > b.remaining()) {
                            throw new IllegalArgumentException("a field runs past the end of its message");
                        }
                        ByteBuffer value = b.slice(b.position(), (int) n);
                        skip((int) n);
                        f.accept(field, value, 0);
                    }
                    case 5 -> skip(4);
                    default -> throw new IllegalArgumentException("protobuf wire type " + (tag & 7) + " is not used by ONNX");
                }
            }
        }

        private void skip(int n) {
            b.position(b.position() + n);
        }

        private long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = b.get();
                result |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("a varint longer than 10 bytes");
        }
    }
}

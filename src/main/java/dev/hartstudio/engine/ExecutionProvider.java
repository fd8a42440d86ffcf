package dev.hartstudio.engine;

import java.util.Locale;

/**
 * Where the graphs should run, as the user asked: {@code auto} (CUDA when a usable NVIDIA GPU is
 * found, else CPU), {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}.
 *
 * @param deviceId CUDA device index; 0 for AUTO and CPU
 */
public record ExecutionProvider(Kind kind, int deviceId) {

    public enum Kind { AUTO, CPU, CUDA }

    public static final ExecutionProvider AUTO = new ExecutionProvider(Kind.AUTO, 0);
    public static final ExecutionProvider CPU = new ExecutionProvider(Kind.CPU, 0);

    public ExecutionProvider {
        if (deviceId < 0 || (kind != Kind.CUDA && deviceId != 0)) {
            throw new IllegalArgumentException("device " + deviceId + " is not valid for " + kind);
        }
    }

    public static ExecutionProvider cuda(int deviceId) {
        return new ExecutionProvider(Kind.CUDA, deviceId);
    }

    /**
     * Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (case and surrounding spaces
     * ignored).
     *
     * @throws IllegalArgumentException with a message that lists the accepted forms
     */
    public static ExecutionProvider parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return AUTO;
        }
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda")) {
            return cuda(0);
        }
        if (s.startsWith("cuda:")) {
            String index = s.substring("cuda:".length());
            if (index.matches("[0-9]{1,4}")) {
                return cuda(Integer.parseInt(index));
            }
        }
        throw new IllegalArgumentException("Unknown execution provider \"" + text
                + "\": use auto, cpu, cuda or cuda:N (N = GPU index).");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case CUDA -> "cuda:" + deviceId;
        };
    }
}

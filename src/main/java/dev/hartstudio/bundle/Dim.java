package dev.hartstudio.bundle;

/**
 * One axis of a declared tensor shape: a fixed size, or a symbol such as {@code "N"} or {@code "l"}
 * that stands for a size chosen at run time (docs/BUNDLE.md).
 *
 * @param size the fixed size, or -1 when the axis is symbolic
 * @param symbol the symbol, or null when the axis is fixed
 */
public record Dim(long size, String symbol) {

    public Dim {
        if ((symbol == null) == (size < 0)) {
            throw new IllegalArgumentException("a Dim is either a size >= 0 or a symbol");
        }
    }

    public static Dim fixed(long size) {
        return new Dim(size, null);
    }

    public static Dim symbol(String symbol) {
        return new Dim(-1, symbol);
    }

    public boolean isSymbolic() {
        return symbol != null;
    }

    @Override
    public String toString() {
        return isSymbolic() ? symbol : Long.toString(size);
    }
}

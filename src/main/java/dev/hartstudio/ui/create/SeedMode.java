package dev.hartstudio.ui.create;

/** How the seed field changes between generations. */
public enum SeedMode {
    /** Keep the seed (a batch uses seed, seed+1, …). */
    FIXED("Fixed"),
    /** Draw a new random seed for every image; the field shows the first one used. */
    RANDOM("Random"),
    /** Use the seed (seed+1, … for a batch), then advance the field past the last one used. */
    INCREMENT("Increment");

    private final String label;

    SeedMode(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}

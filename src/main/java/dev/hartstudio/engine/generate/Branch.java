package dev.hartstudio.engine.generate;

import java.util.List;

/**
 * "Branch from scale k": keep the tokens of scales {@code < fromScale} of a previous generation
 * (and its random draws, addressed by its seeds) and resample the rest with the request's seeds.
 *
 * @param fromScale first scale to resample, 1 .. K-1
 * @param originalSeeds the seeds of the generation the tokens come from, one per image
 * @param tokens {@code tokens[scale][image]} = token ids, row-major, for scales {@code < fromScale};
 *     or null: the kept scales are drawn again from the original seeds, which gives back their tokens
 *     exactly when the original generation was not itself a branch (same bundle, same parameters)
 * @param parent when the previous generation was itself a branch: its branch, so that each kept
 *     scale's random draws come from the seed that first drew it (null otherwise)
 */
public record Branch(int fromScale, List<Long> originalSeeds, int[][][] tokens, Branch parent) {

    /** A branch of a generation that was not itself a branch. */
    public Branch(int fromScale, List<Long> originalSeeds, int[][][] tokens) {
        this(fromScale, originalSeeds, tokens, null);
    }

    /**
     * The seed whose draws image {@code b} uses at scale {@code k}: the request's seed from
     * {@code branch.fromScale()} on, below it the original generation's, and below the original's
     * own branch point its original's, and so on.
     */
    public static long seedAt(Branch branch, List<Long> seeds, int b, int k) {
        long seed = seeds.get(b);
        for (Branch br = branch; br != null && k < br.fromScale(); br = br.parent()) {
            seed = br.originalSeeds().get(b);
        }
        return seed;
    }

    /** Whether every branch in the chain carries one original seed per image of a batch of {@code batch}. */
    public boolean fitsBatch(int batch) {
        for (Branch br = this; br != null; br = br.parent()) {
            if (br.originalSeeds().size() != batch) {
                return false;
            }
        }
        return true;
    }
}

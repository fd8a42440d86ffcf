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
 */
public record Branch(int fromScale, List<Long> originalSeeds, int[][][] tokens) {
}

package dev.hartstudio.cli;

import dev.hartstudio.bundle.BundleManifest;
import dev.hartstudio.bundle.ModelConfig;
import dev.hartstudio.bundle.SamplingDefaults;
import dev.hartstudio.engine.EngineException;
import dev.hartstudio.engine.HartEngine;
import dev.hartstudio.engine.PromptCheck;
import dev.hartstudio.engine.generate.Branch;
import dev.hartstudio.engine.generate.GenerationControl;
import dev.hartstudio.engine.generate.GenerationRequest;
import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.engine.generate.PreviewMode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.function.LongSupplier;

/**
 * {@code generate}: a prompt (a batch of B seeds) or a prompts file, resumable and shardable, with
 * the reference sampler's token trace. Every image goes through {@link HartEngine#generate}.
 */
@Command(name = "generate",
        description = {"make images from a prompt or a prompts file (resumable, shardable, with traces)", "",
            "Generates images with a HART bundle and writes them as PNG files.", ""},
        footer = {"", "Exit status: 0 done, 1 failed (bundle, engine, disk), 2 bad command line or prompts file.", "",
            "Examples:",
            "  hart-studio generate --prompt \"a red circle\" --seed 7 --out outputs",
            "  hart-studio generate --prompt \"a red circle\" --batch 4 --cfg 3 --top-p 0.9 --out outputs",
            "  hart-studio generate --prompts prompts.jsonl --trace traces --shard 0/2 --out outputs",
            "  hart-studio generate --branch-trace 7.trace.json --branch-from 4 --seed 99 --out branches",
            "  hart-studio generate @args.txt          # options read from a file, one or more a line"})
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions.Engine common = new CommonOptions.Engine();

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "one prompt; writes <out>/<seed>.png (batch > 1: <out>/<seed>-b<i>.png)")
    String prompt;

    @Option(names = "--prompts", paramLabel = "FILE", 
            description = "one JSON object per line, written to <out>/<id>.png, such as {\"id\": \"a1\", \"prompt\": \"...\", "
                + "\"seed\": 3, \"cfg\": 4.5}; optional per line: top_k (number or list), top_p, smooth, discrete_only, "
                + "greedy; what a line leaves out comes from the options below")
    String promptsFile;

    @Option(names = "--seed", paramLabel = "N", converter = OptionValues.Seed.class,
            description = "0 .. 2^53-1 (default: the bundle's); a batch of B uses seeds N .. N+B-1")
    Long seed;

    @Option(names = "--cfg", paramLabel = "S", converter = OptionValues.Cfg.class,
            description = "guidance scale 0 .. 50 (default: the bundle's)")
    Double cfg;

    @Option(names = "--top-k", paramLabel = "K|k0,k1,..", converter = OptionValues.TopK.class,
            description = "0 (off) .. V; one value for every scale or one per scale")
    OptionValues.Numbers topK;

    @Option(names = "--top-p", paramLabel = "P", converter = OptionValues.TopP.class,
            description = "nucleus threshold, 0 (off) up to but not including 1")
    Double topP;

    @Option(names = "--no-smooth", description = "hard token embeddings instead of the Gumbel-smoothed ones")
    boolean noSmooth;

    @Option(names = "--discrete-only", description = "skip the residual diffusion")
    boolean discreteOnly;

    @Option(names = "--greedy", description = "argmax tokens and zero noise (for tests)")
    boolean greedy;

    @Option(names = "--batch", paramLabel = "B", converter = OptionValues.Batch.class,
            description = "images per engine call, 1 .. " + MAX_BATCH + " (default 1); with --prompt: B images of the prompt")
    Long batchOption;

    @Option(names = "--branch-trace", paramLabel = "T",
            description = "keep the tokens of scales < --branch-from of trace T and resample the rest")
    String branchTracePath;

    @Option(names = "--branch-from", paramLabel = "K", converter = OptionValues.BranchFrom.class,
            description = "with a new seed (1 .. K-1); prompts, batch and the sampling options default to the trace's")
    Long branchFrom;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: outputs)")
    String outOption = "outputs";

    @Option(names = "--trace", paramLabel = "FILE", 
            description = "write the token trace (the format of hart_export sample --trace); with --prompts, FILE is a "
                + "folder that gets <id>.trace.json per prompt")
    String traceOption;

    @Option(names = "--shard", paramLabel = "i/n", converter = OptionValues.ShardValue.class,
            description = "with --prompts: only the prompts whose index (0-based, blank lines not counted) modulo n "
                + "is i, so n machines can share a file")
    OptionValues.Shard shardOption;

    @Option(names = "--force", description = "regenerate images whose PNG already exists (default: skip them)")
    boolean force;

    @Option(names = "--preview", paramLabel = "MODE", converter = OptionValues.Preview.class,
            description = "latent, decode or none (default: none; previews cost time)")
    PreviewMode preview = PreviewMode.NONE;

    @Mixin
    CommonOptions.Help help = new CommonOptions.Help();

    static final int MAX_BATCH = 64;

    /** One image to make: where it goes and how; {@code seed} null until the bundle default is known. */
    private record ImageJob(String label, String prompt, Long seed, SamplingParams params, Path png, Path trace,
                            BranchSlice branch) {
        ImageJob withSeed(long s) {
            return new ImageJob(label, prompt, s, params, png, trace, branch);
        }

        ImageJob withParams(SamplingParams p) {
            return new ImageJob(label, prompt, seed, p, png, trace, branch);
        }
    }

    /** The kept tokens of one image of a branch trace. */
    /**
     * One image's part of a branch; {@code ancestry} is the branch trace's own chain of branch
     * points for this image (null when the trace was not a branch), so that its kept scales keep the
     * noise of the seed that first drew them.
     */
    private record BranchSlice(int fromScale, long originalSeed, int[][] tokens, Branch ancestry) {
    }

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier clock;

    GenerateCommand(PrintStream out, PrintStream err, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    public Integer call() throws EngineException, OutputFolder.WriteException {
        boolean fromFile = promptsFile != null;
        boolean branching = branchTracePath != null;
        if (fromFile && prompt != null) {
            throw new UsageException("generate takes --prompt or --prompts, not both.");
        }
        if (!fromFile && prompt == null && !branching) {
            throw new UsageException("generate needs --prompt TEXT or --prompts FILE.jsonl; see generate --help.");
        }
        if (branching != (branchFrom != null)) {
            throw new UsageException("--branch-trace and --branch-from go together.");
        }
        if (branching && fromFile) {
            throw new UsageException("--branch-trace works with --prompt only, not with --prompts.");
        }
        if (shardOption != null && !fromFile) {
            throw new UsageException("--shard splits a --prompts file; it does not apply to --prompt.");
        }
        Integer batchOption = this.batchOption == null ? null : this.batchOption.intValue();
        int batch = batchOption == null ? 1 : batchOption;
        int[] shard = shardOption == null ? new int[] {0, 1} : new int[] {shardOption.index(), shardOption.count()};
        long branchFrom = this.branchFrom == null ? 0L : this.branchFrom;
        Path bundleFolder = common.bundle("generate");
        var provider = common.provider;
        Path outDir = Path.of(outOption);
        Path tracePath = traceOption == null ? null : Path.of(traceOption);

        Trace branchTrace = branching ? Trace.read(Path.of(branchTracePath)) : null;
        SamplingParams params = flags(branchTrace);
        if (branchTrace != null) {
            if (branchTrace.images() == 0) {
                throw new UsageException("The branch trace has no tokens.");
            }
            if (batchOption != null && batchOption != branchTrace.images()) {
                throw new UsageException("--batch " + batchOption + " does not match the " + branchTrace.images()
                        + " image(s) of the branch trace.");
            }
            batch = branchTrace.images();
        }

        List<ImageJob> jobs = null;
        if (fromFile) {
            List<PromptFile.Entry> entries = PromptFile.read(Path.of(promptsFile), params, seed);
            jobs = new ArrayList<>();
            for (PromptFile.Entry e : entries) {
                if (e.index() % shard[1] == shard[0]) {
                    jobs.add(new ImageJob(promptsFile + " line " + e.line(), e.prompt(), e.seed(),
                            e.params(), outDir.resolve(e.id() + ".png"),
                            tracePath == null ? null : tracePath.resolve(e.id() + ".trace.json"), null));
                }
            }
        }
        OutputFolder folder = OutputFolder.open(outDir);
        if (fromFile) {
            jobs = pending(jobs, force, folder);
            if (jobs.isEmpty()) {
                err.println("Nothing to do: every image of this " + (shard[1] > 1 ? "shard" : "file")
                        + " already exists in " + outDir + ".");
                return 0;
            }
        }

        try (HartEngine engine = CommonOptions.openEngine(bundleFolder, provider, err)) {
            BundleManifest m = engine.bundle().manifest();
            long defaultSeed = seed != null ? seed : m.samplingDefaults().seed();
            if (!fromFile) {
                if (defaultSeed + batch - 1 > GenerationRequest.MAX_SEED) {
                    throw new UsageException("--seed " + defaultSeed + " with --batch " + batch + " runs past the largest seed "
                            + GenerationRequest.MAX_SEED + ".");
                }
                List<BranchSlice> slices = branchTrace == null ? null : slices(branchTrace, (int) branchFrom, engine);
                jobs = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    long s = defaultSeed + i;
                    String text = prompt != null ? prompt
                            : branchTrace.prompts().get(Math.min(i, branchTrace.prompts().size() - 1));
                    jobs.add(new ImageJob("--prompt", text, s, params,
                            outDir.resolve(batch == 1 ? s + ".png" : s + "-b" + i + ".png"), null,
                            slices == null ? null : slices.get(i)));
                }
                int all = jobs.size();
                jobs = pending(jobs, force, folder);
                if (jobs.isEmpty()) {
                    err.println("Nothing to do: " + (all == 1 ? "the image exists" : "all " + all + " images exist")
                            + " in " + outDir + " (use --force to redo)" + (tracePath != null ? "; no trace written." : "."));
                    return 0;
                }
            }
            List<ImageJob> seeded = new ArrayList<>();
            for (ImageJob j : jobs) {
                seeded.add(j.withSeed(j.seed() == null ? defaultSeed : j.seed())
                        .withParams(resolve(j.params(), m, j.label().equals("--prompt") ? "--top-k" : j.label() + ": top_k")));
            }
            checkPrompts(engine, seeded);
            return generate(engine, groups(seeded, fromFile ? batch : seeded.size()), seeded.size(), preview,
                    fromFile ? null : tracePath, folder);
        }
    }

    /**
     * Refuses a prompt the engine cannot use (exit 2, naming where it came from) before any image is
     * made, and says on stderr what the model will not read of the others: the truncated tail, the
     * unknown words. Once per distinct prompt.
     */
    private void checkPrompts(HartEngine engine, List<ImageJob> jobs) throws EngineException {
        Set<String> seen = new HashSet<>();
        for (ImageJob j : jobs) {
            if (!seen.add(j.prompt())) {
                continue;
            }
            PromptCheck c = engine.checkPrompt(j.prompt());
            if (c.refusal().isPresent()) {
                throw new UsageException(j.label() + ": " + c.refusal().get());
            }
            c.message().ifPresent(msg -> err.println("warning: " + j.label() + ": " + msg));
        }
    }

    private int generate(HartEngine engine, List<List<ImageJob>> groups, int total, PreviewMode preview, Path trace,
            OutputFolder folder) throws EngineException, OutputFolder.WriteException {
        BundleManifest m = engine.bundle().manifest();
        Progress progress = new Progress(err, terminal, total, clock);
        long start = clock.getAsLong();
        int written = 0;
        try {
            for (List<ImageJob> group : groups) {
                SamplingParams p = group.get(0).params();
                GenerationRequest request = request(group, p, preview);
                progress.startBatch(group.size(), m.model().scales(), m.samplingDefaults().diffusionSteps(),
                        p.discreteOnly());
                long t0 = clock.getAsLong();
                GenerationResult result = engine.generate(request, progress, new GenerationControl());
                double seconds = (clock.getAsLong() - t0) / 1e9;
                Trace tr = trace(result, request, engine, group);
                if (trace != null) {
                    OutputFolder.writeText(trace, tr.toJson());
                }
                List<String> names = new ArrayList<>();
                for (int b = 0; b < group.size(); b++) {
                    ImageJob job = group.get(b);
                    if (job.trace() != null) {
                        OutputFolder.writeText(job.trace(), tr.single(b).toJson());
                    }
                    OutputFolder.writeGenerated(job.png(), result, b, engine.bundle(), engine.provider().actual().toString());
                    written++;
                    names.add(job.png().getFileName().toString());
                    progress.println(out, job.png().toString());
                }
                progress.endBatch(String.format(Locale.ROOT, "wrote %s (%.2f s/image)", String.join(", ", names),
                        seconds / group.size()));
            }
        } finally {
            progress.finish();
        }
        double seconds = (clock.getAsLong() - start) / 1e9;
        err.printf(Locale.ROOT, "Generated %d image%s in %.2f s (%.2f s/image) into %s%s%n", written,
                written == 1 ? "" : "s", seconds, seconds / Math.max(1, written), folder.path(),
                trace != null ? "; trace " + trace : "");
        return 0;
    }

    /** Drops the images whose PNG exists (unless forced) and says how many were skipped. */
    private List<ImageJob> pending(List<ImageJob> jobs, boolean force, OutputFolder folder) {
        if (force) {
            return jobs;
        }
        List<ImageJob> left = new ArrayList<>();
        for (ImageJob j : jobs) {
            if (!Files.isRegularFile(j.png())) {
                left.add(j);
            }
        }
        int skipped = jobs.size() - left.size();
        if (skipped > 0) {
            err.println("Skipped " + skipped + " of " + jobs.size() + " image" + (jobs.size() == 1 ? "" : "s")
                    + " already in " + folder.path() + " (use --force to redo them).");
        }
        return left;
    }

    /** Batches of up to {@code batch} images with equal parameters, in order of first appearance. */
    private static List<List<ImageJob>> groups(List<ImageJob> jobs, int batch) {
        List<List<ImageJob>> done = new ArrayList<>();
        Map<Object, List<ImageJob>> open = new LinkedHashMap<>();
        for (ImageJob j : jobs) {
            Object key = List.of(j.params(), j.branch() == null ? -1 : j.branch().fromScale());
            List<ImageJob> g = open.computeIfAbsent(key, k -> new ArrayList<>());
            g.add(j);
            if (g.size() == batch) {
                done.add(g);
                open.remove(key);
            }
        }
        done.addAll(open.values());
        return done;
    }

    private static GenerationRequest request(List<ImageJob> group, SamplingParams p, PreviewMode preview) {
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (ImageJob j : group) {
            prompts.add(j.prompt());
            seeds.add(j.seed());
        }
        Branch branch = null;
        if (group.get(0).branch() != null) {
            int from = group.get(0).branch().fromScale();
            int[][][] kept = new int[from][group.size()][];
            List<Long> orig = new ArrayList<>();
            List<Branch> ancestries = new ArrayList<>();
            for (int b = 0; b < group.size(); b++) {
                BranchSlice s = group.get(b).branch();
                orig.add(s.originalSeed());
                ancestries.add(s.ancestry());
                for (int k = 0; k < from; k++) {
                    kept[k][b] = s.tokens()[k];
                }
            }
            branch = new Branch(from, orig, kept, batchOf(ancestries));
        }
        return new GenerationRequest(prompts, seeds, p.cfg(), p.topK().stream().mapToInt(Integer::intValue).toArray(),
                p.topP(), p.smooth(), p.discreteOnly(), p.greedy(), preview, branch);
    }

    /**
     * One chain of branch points for a batch from the images' own chains (each with one seed per
     * level); they come from one trace, so they have the same branch points.
     */
    private static Branch batchOf(List<Branch> chains) {
        if (chains.get(0) == null) {
            return null;
        }
        List<Long> seeds = new ArrayList<>();
        List<Branch> parents = new ArrayList<>();
        for (Branch c : chains) {
            seeds.add(c.originalSeeds().get(0));
            parents.add(c.parent());
        }
        return new Branch(chains.get(0).fromScale(), seeds, null, batchOf(parents));
    }

    /** {@code p} with the bundle's defaults filled in, so images that will sample alike share a batch. */
    private static SamplingParams resolve(SamplingParams p, BundleManifest m, String topKSource) {
        SamplingDefaults d = m.samplingDefaults();
        List<Integer> k = new ArrayList<>();
        for (int v : topK(p.topK(), m.model(), d, topKSource)) {
            k.add(v);
        }
        return new SamplingParams(p.cfg() != null ? p.cfg() : d.cfg(), k, p.topP() != null ? p.topP() : d.topP(),
                p.smooth() != null ? p.smooth() : d.moreSmooth(), p.discreteOnly(), p.greedy());
    }

    private static Trace trace(GenerationResult r, GenerationRequest q, HartEngine engine, List<ImageJob> group) {
        List<Integer> topK = new ArrayList<>();
        for (int k : q.topK()) {
            topK.add(k);
        }
        return new Trace(engine.bundle().manifest().name(), engine.bundle().manifestSha256(), q.prompts(), q.seeds(),
                q.cfg(), topK, q.topP(), q.moreSmooth(), q.discreteOnly(), q.greedy(), Trace.points(q.branch()), r.tokens());
    }

    /** One value per scale, from one value, one per scale, or the bundle default; each 0 .. V. */
    static int[] topK(List<Integer> given, ModelConfig model, SamplingDefaults d, String source) {
        int scales = model.scales();
        if (given == null) {
            return d.topK().stream().mapToInt(Integer::intValue).toArray();
        }
        if (given.size() != 1 && given.size() != scales) {
            throw new UsageException(source + " has " + given.size() + " values; give one, or one per scale (" + scales
                    + " for this bundle).");
        }
        int[] k = new int[scales];
        for (int i = 0; i < scales; i++) {
            int v = given.get(given.size() == 1 ? 0 : i);
            if (v < 0 || v > model.codebookSize()) {
                throw new UsageException(source + " " + v + " is outside the allowed range 0 (off) .. "
                        + model.codebookSize() + " (the codebook size V of this bundle).");
            }
            k[i] = v;
        }
        return k;
    }

    /** The sampling options given on the command line, over the branch trace's when branching. */
    private SamplingParams flags(Trace base) {
        SamplingParams p = base == null ? new SamplingParams(null, null, null, null, false, false)
                : new SamplingParams(base.cfg(), base.topK(), base.topP(), base.moreSmooth(), base.discreteOnly(), false);
        if (cfg != null) {
            p = p.withCfg(cfg);
        }
        if (topP != null) {
            p = p.withTopP(topP);
        }
        if (topK != null) {
            p = p.withTopK(topK.values());
        }
        if (noSmooth) {
            p = p.withSmooth(false);
        }
        if (discreteOnly) {
            p = p.withDiscreteOnly(true);
        }
        if (greedy) {
            p = p.withGreedy(true);
        }
        return p;
    }

    /** Checks the branch trace against the bundle and splits it per image. */
    private List<BranchSlice> slices(Trace t, int from, HartEngine engine) {
        ModelConfig model = engine.bundle().manifest().model();
        int scales = model.scales();
        if (from < 1 || from > scales - 1) {
            throw new UsageException("--branch-from " + from + " is outside the allowed range 1 .. " + (scales - 1)
                    + " (this bundle has " + scales + " scales).");
        }
        if (t.tokens().length < from) {
            throw new UsageException("The branch trace has " + t.tokens().length + " scales; --branch-from " + from
                    + " needs at least " + from + ".");
        }
        if (t.manifestSha256() != null && !Objects.equals(t.manifestSha256(), engine.bundle().manifestSha256())) {
            err.println("Warning: the branch trace was made with bundle \"" + t.bundleName()
                    + "\" (another manifest); its tokens are reused as they are.");
        }
        List<BranchSlice> slices = new ArrayList<>();
        for (int b = 0; b < t.images(); b++) {
            int[][] kept = new int[from][];
            for (int k = 0; k < from; k++) {
                int p = model.patchNums().get(k);
                int[] ids = t.tokens()[k][b];
                if (ids.length != p * p) {
                    throw new UsageException("The branch trace has " + ids.length + " tokens at scale " + k + " of image "
                            + b + "; this bundle expects " + p * p + ".");
                }
                for (int id : ids) {
                    if (id < 0 || id >= model.codebookSize()) {
                        throw new UsageException("The branch trace has token id " + id + " at scale " + k
                                + ", outside 0 .. " + (model.codebookSize() - 1) + " of this bundle.");
                    }
                }
                kept[k] = ids.clone();
            }
            slices.add(new BranchSlice(from, t.seeds().get(b), kept, Trace.forImage(t.branch(), b)));
        }
        return slices;
    }
}

package dev.hartstudio.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An opened and fully validated HART bundle folder (docs/BUNDLE.md). {@link #open} checks the
 * manifest, that every path stays inside the folder, every file's sha256, schedule.json and the
 * shapes of the arrays; the ONNX graphs themselves are checked when the engine loads them.
 * Immutable; holds no native resources.
 */
public final class Bundle {

    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    private static final int HASH_BUFFER = 1 << 20;

    /** Largest manifest.json read: a real one is about 20 KiB. */
    static final int MAX_MANIFEST_BYTES = 16 << 20;

    private final Path folder;
    private final BundleManifest manifest;
    private final String manifestSha256;
    private final Schedule schedule;
    private final float[] codebook;
    private final float[] preview;
    private final String systemPrompt;
    private final Path tokenizerFile;
    private final Path cardFile;
    private final Map<GraphRole, Path> graphFiles;

    private Bundle(Path folder, BundleManifest manifest, String manifestSha256, Schedule schedule, float[] codebook,
            float[] preview, String systemPrompt, Path tokenizerFile, Path cardFile, Map<GraphRole, Path> graphFiles) {
        this.folder = folder;
        this.manifest = manifest;
        this.manifestSha256 = manifestSha256;
        this.schedule = schedule;
        this.codebook = codebook;
        this.preview = preview;
        this.systemPrompt = systemPrompt;
        this.tokenizerFile = tokenizerFile;
        this.cardFile = cardFile;
        this.graphFiles = graphFiles;
    }

    /**
     * Opens and validates the bundle in {@code folder}. Reads every file once (the graphs only to
     * hash them), so it takes about as long as reading the bundle from disk.
     *
     * @throws BundleException with one sentence naming the file and field at fault
     */
    public static Bundle open(Path folder) throws BundleException {
        if (!Files.isDirectory(folder)) {
            throw new BundleException(folder + " is not a folder (a bundle is a folder with a manifest.json).");
        }
        Path root;
        try {
            root = folder.toRealPath();
        } catch (IOException e) {
            throw new BundleException(folder + " could not be opened: " + e.getMessage() + ".", e);
        }
        Path manifestPath = root.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestPath)) {
            throw new BundleException(MANIFEST + " is missing from " + folder + ", so it is not a HART bundle folder.");
        }
        try {
            if (!manifestPath.toRealPath().startsWith(root)) {
                throw new BundleException(MANIFEST + " is a link that leaves the bundle folder.");
            }
        } catch (IOException e) {
            throw new BundleException(MANIFEST + " could not be opened: " + e.getMessage() + ".", e);
        }
        try {
            if (Files.size(manifestPath) > MAX_MANIFEST_BYTES) {
                throw new BundleException(MANIFEST + " is " + (Files.size(manifestPath) >> 20) + " MiB, larger than the "
                        + (MAX_MANIFEST_BYTES >> 20) + " MiB any bundle manifest takes: it is not a HART manifest.");
            }
        } catch (IOException e) {
            throw new BundleException(MANIFEST + " could not be read: " + e.getMessage() + ".", e);
        }
        byte[] manifestBytes = readManifest(manifestPath);
        BundleManifest manifest = new ManifestReader().read(manifestBytes);
        BundlePaths paths = new BundlePaths(root);

        Map<String, Path> listed = locateFiles(manifest, paths);
        Map<String, byte[]> contents = verifyHashes(manifest, listed);
        checkExternalData(manifest, root, listed);

        Schedule schedule = Schedule.read(manifest.schedule(), contents.get(manifest.schedule()), manifest);
        ModelConfig model = manifest.model();
        float[] codebook = floatArray(Npy.parse(manifest.codebook(), contents.get(manifest.codebook())),
                manifest.codebook(), "[V, Cv]", model.codebookSize(), model.latentChannels());
        float[] preview = floatArray(Npy.parse(manifest.preview(), contents.get(manifest.preview())),
                manifest.preview(), "[Cv + 1, 3]", model.latentChannels() + 1, 3);
        String systemPrompt = null;
        if (manifest.text().systemPrompt() != null) {
            systemPrompt = utf8(manifest.text().systemPrompt(), contents.get(manifest.text().systemPrompt()));
        }
        Map<GraphRole, Path> graphFiles = new EnumMap<>(GraphRole.class);
        manifest.graphs().forEach((role, spec) -> graphFiles.put(role, listed.get(spec.file())));
        Path card = manifest.card() == null ? null : listed.get(manifest.card());
        return new Bundle(root, manifest, HexFormat.of().formatHex(digest().digest(manifestBytes)), schedule, codebook,
                preview, systemPrompt, listed.get(manifest.text().tokenizer()), card, graphFiles);
    }

    /** The bundle folder (a real path). */
    public Path folder() {
        return folder;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    /** Lower-case hex sha256 of manifest.json, which identifies the bundle in traces. */
    public String manifestSha256() {
        return manifestSha256;
    }

    public Schedule schedule() {
        return schedule;
    }

    /** The codebook {@code E_cb}, {@code [V, Cv]} float32 row-major (shared: do not modify). */
    public float[] codebook() {
        return codebook;
    }

    /** Latent-to-RGB least-squares matrix {@code [Cv + 1, 3]} float32, last row the bias (shared: do not modify). */
    public float[] preview() {
        return preview;
    }

    /** The system prompt prepended to every prompt, if the bundle has one. */
    public Optional<String> systemPrompt() {
        return Optional.ofNullable(systemPrompt);
    }

    /** The Hugging Face {@code tokenizer.json}. */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /** The model card, if the manifest names one. */
    public Optional<Path> cardFile() {
        return Optional.ofNullable(cardFile);
    }

    public boolean hasGraph(GraphRole role) {
        return graphFiles.containsKey(role);
    }

    /** The ONNX file of {@code role}; every required role is present. */
    public Path graphFile(GraphRole role) {
        Path file = graphFiles.get(role);
        if (file == null) {
            throw new IllegalStateException("bundle " + manifest.name() + " has no " + role + " graph");
        }
        return file;
    }

    /** The declared I/O of {@code role}; every required role is present. */
    public GraphSpec graphSpec(GraphRole role) {
        return manifest.graph(role).orElseThrow(
                () -> new IllegalStateException("bundle " + manifest.name() + " has no " + role + " graph"));
    }

    /** Checks every file name of the manifest and returns the listed files as name → real path. */
    private static Map<String, Path> locateFiles(BundleManifest manifest, BundlePaths paths) throws BundleException {
        Map<String, String> referenced = referencedFiles(manifest);
        for (Map.Entry<String, String> ref : referenced.entrySet()) {
            paths.resolve(ref.getKey(), ref.getValue());
        }
        for (String name : manifest.files().keySet()) {
            paths.resolve("files key", name);
            if (name.equals(MANIFEST)) {
                throw new BundleException("manifest.json: files lists manifest.json itself, which cannot hold its own hash.");
            }
        }
        for (Map.Entry<String, String> ref : referenced.entrySet()) {
            paths.existing(ref.getKey(), ref.getValue());
            if (!manifest.files().containsKey(ref.getValue())) {
                throw new BundleException("manifest.json: files has no sha256 for \"" + ref.getValue() + "\" (named by "
                        + ref.getKey() + ").");
            }
        }
        Map<String, Path> listed = new LinkedHashMap<>();
        for (String name : manifest.files().keySet()) {
            listed.put(name, paths.existing("files key", name));
        }
        return listed;
    }

    /**
     * Checks the sha256 of every listed file. Returns the bytes of the small files the bundle parses
     * (read once and hashed from memory); the others are streamed.
     */
    private static Map<String, byte[]> verifyHashes(BundleManifest manifest, Map<String, Path> listed)
            throws BundleException {
        Set<String> parsed = new HashSet<>(List.of(manifest.schedule(), manifest.codebook(), manifest.preview()));
        if (manifest.text().systemPrompt() != null) {
            parsed.add(manifest.text().systemPrompt());
        }
        Map<String, byte[]> contents = new HashMap<>();
        for (Map.Entry<String, Path> file : listed.entrySet()) {
            String name = file.getKey();
            String actual;
            if (parsed.contains(name)) {
                // Small files the bundle parses: read once, hash the same bytes.
                byte[] bytes = readAll(name, file.getValue());
                actual = HexFormat.of().formatHex(digest().digest(bytes));
                contents.put(name, bytes);
            } else {
                actual = hash(name, file.getValue());
            }
            String expected = manifest.files().get(name);
            if (!actual.equals(expected)) {
                throw new BundleException(name + ": sha256 is " + actual + ", but manifest.json files[\"" + name
                        + "\"] says " + expected + " (the file is damaged or was changed).");
            }
        }
        return contents;
    }

    /**
     * Checks every external-data file the graphs refer to: a plain file name inside the bundle folder,
     * present, listed (so hashed) in {@code files}, and long enough for each tensor it holds. ONNX
     * Runtime follows these names itself, so they are checked against the graph, not the manifest.
     */
    private static void checkExternalData(BundleManifest manifest, Path root, Map<String, Path> listed)
            throws BundleException {
        for (GraphSpec spec : manifest.graphs().values()) {
            String graph = spec.file();
            for (OnnxExternalData.Ref ref : OnnxExternalData.read(listed.get(graph), graph)) {
                String where = graph + " keeps tensor \"" + ref.tensor() + "\" in \"" + ref.location() + "\"";
                if (BundlePaths.leaves(ref.location()) || !BundlePaths.isPlainName(ref.location())) {
                    throw new BundleException(where + ", which leaves the bundle folder (external data must be a plain "
                            + "file name beside the graph).");
                }
                Path data = root.resolve(ref.location());
                if (!Files.isRegularFile(data)) {
                    throw new BundleException(where + ", which is missing from the bundle folder.");
                }
                if (!listed.containsKey(ref.location())) {
                    throw new BundleException(where + ", but manifest.json files has no sha256 for that file.");
                }
                long size;
                try {
                    size = Files.size(listed.get(ref.location()));
                } catch (IOException e) {
                    throw new BundleException(ref.location() + " could not be read: " + e.getMessage() + ".", e);
                }
                long end = ref.length() < 0 ? size : ref.offset() + ref.length();
                if (ref.offset() > size || end > size) {
                    throw new BundleException(where + " at bytes " + ref.offset() + " to " + end + ", past the end of that "
                            + size + "-byte file.");
                }
            }
        }
    }

    /** Every file the manifest names by a field other than {@code files}, as field path → file name. */
    private static Map<String, String> referencedFiles(BundleManifest m) {
        Map<String, String> refs = new LinkedHashMap<>();
        if (m.card() != null) {
            refs.put("card", m.card());
        }
        refs.put("text.tokenizer", m.text().tokenizer());
        if (m.text().systemPrompt() != null) {
            refs.put("text.system_prompt", m.text().systemPrompt());
        }
        refs.put("schedule", m.schedule());
        refs.put("codebook", m.codebook());
        refs.put("preview", m.preview());
        m.graphs().forEach((role, spec) -> refs.put("graphs." + role.key() + ".file", spec.file()));
        return refs;
    }

    private static float[] floatArray(Npy array, String name, String symbolic, int rows, int cols)
            throws BundleException {
        int[] expected = {rows, cols};
        if (array.kind() != Npy.Kind.FLOAT32 || !Arrays.equals(array.shape(), expected)) {
            throw new BundleException(name + ": holds " + array.kind().descr() + " " + Arrays.toString(array.shape())
                    + ", but manifest.json model says " + symbolic + " = " + Arrays.toString(expected) + " float32.");
        }
        return array.floats();
    }

    private static String utf8(String name, byte[] bytes) throws BundleException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BundleException(name + " is not valid UTF-8 text.", e);
        }
    }

    /** manifest.json, refused unread when it is larger than any manifest (a wrong or hostile file). */
    private static byte[] readManifest(Path path) throws BundleException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);   // also bounds a file that grows while read
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new BundleException(MANIFEST + " is larger than " + (MAX_MANIFEST_BYTES >> 20) + " MiB, which no "
                        + "bundle manifest is: it is not a HART manifest.");
            }
            return bytes;
        } catch (IOException e) {
            throw new BundleException(MANIFEST + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    private static byte[] readAll(String name, Path path) throws BundleException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new BundleException(name + " could not be read: " + e.getMessage() + ".", e);
        }
    }

    private static String hash(String name, Path path) throws BundleException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[HASH_BUFFER];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new BundleException(name + " could not be read: " + e.getMessage() + ".", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

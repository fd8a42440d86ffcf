package dev.hartstudio.cli;

import static dev.hartstudio.cli.CliRun.BUNDLE;
import static dev.hartstudio.cli.CliRun.GOLDENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar in a fresh JVM; skipped when the jar has not been built. A plain {@code java -jar}
 * (no Vector API: the sampler's scalar loops, the shared ONNX Runtime pool) and the launcher's
 * flags with one pool per graph both give the golden tokens.
 */
class JarLaunchIT {

    /** The jar of the flavour being built (the pom passes -Dhart.jar). */
    static final Path JAR = Path.of(System.getProperty("hart.jar", "target/hart-studio.jar"));

    @TempDir
    Path dir;

    @Test
    void jarWithTheVectorApiAndOnePoolPerGraphGivesTheSameTokens() throws Exception {
        String stderr = generateSeed7(List.of("--add-modules", "jdk.incubator.vector", "-Dhartstudio.ort.pools=session"),
                "cpu");
        assertGoldenTokens(stderr);
    }

    @Test
    void jarGeneratesWithCudaRequestedAndSaysOnceWhyItRunsOnCpu() throws Exception {
        String stderr = generateSeed7(List.of(), "cuda");
        assertTrue(Files.isRegularFile(dir.resolve("7.png")));
        assertGoldenTokens(stderr);
        List<String> fallback = stderr.lines().filter(l -> l.startsWith("Running on CPU: ")).toList();
        assertTrue(fallback.size() <= 1, stderr);
        boolean nvidia = Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/proc/driver/nvidia/version"));
        if (!nvidia) {
            assertEquals(1, fallback.size(), "no GPU here: one line says why it runs on the CPU\n" + stderr);
        }
    }

    /** Runs {@code generate --prompt "a red circle" --seed 7} on the test bundle in a fresh JVM; returns its stderr. */
    private String generateSeed7(List<String> jvmFlags, String provider) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), JAR + " is not built (mvn package)");
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss4m"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Dai.djl.offline=true", "-Dslf4j.internal.verbosity=ERROR", "-jar", JAR.toString(),
                "generate", "--bundle", BUNDLE.toString(), "--prompt", "a red circle", "--seed", "7",
                "--out", dir.toString(), "--trace", dir.resolve("t.json").toString(), "--provider", provider));
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the jar did not finish in 3 minutes");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        return stderr;
    }

    private void assertGoldenTokens(String stderr) throws Exception {
        assertEquals(JsonParser.parseString(Files.readString(GOLDENS.resolve("s7_cfg4.5.trace.json"))).getAsJsonObject().get("tokens"),
                JsonParser.parseString(Files.readString(dir.resolve("t.json"))).getAsJsonObject().get("tokens"), stderr);
    }
}

package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hartstudio.engine.Flavour;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launcher's flavour choice (scripts/lib/flavour.sh, sourced by ./hart-studio and the installer
 * build) follows {@link Flavour#choose}: asked-for flavour, else GPU only with an NVIDIA driver.
 * Machines are faked by a root folder with or without the device node and libcuda.so.1.
 */
class LauncherFlavourTest {

    @TempDir
    Path root;

    @ParameterizedTest(name = "HART_FLAVOUR=\"{0}\", device {1}, libcuda {2} -> {3}")
    @CsvSource({
            "'', false, false, cpu", "'', true, true, gpu", "'', true, false, cpu", "'', false, true, cpu",
            "auto, true, true, gpu", "AUTO, false, false, cpu", "cpu, true, true, cpu", "gpu, false, false, gpu",
            "' Gpu ', false, false, gpu"})
    void launcherPicksTheSameFlavourAsTheApp(String requested, boolean device, boolean libcuda, String expected)
            throws Exception {
        if (device) {
            Files.createDirectories(root.resolve("dev"));
            Files.createFile(root.resolve("dev/nvidiactl"));
        }
        if (libcuda) {
            Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
            Files.createFile(root.resolve("usr/lib/x86_64-linux-gnu/libcuda.so.1"));
        }
        Result r = run(requested);
        assertEquals(0, r.status, r.err);
        assertEquals(expected, r.out.strip());
        assertEquals(Flavour.choose(requested, device && libcuda).id(), r.out.strip(), "the same rule as Flavour.choose");
    }

    @ParameterizedTest
    @CsvSource({"cuda", "gpu2"})
    void aBadFlavourIsOneLineAndStatusTwo(String requested) throws Exception {
        Result r = run(requested);
        assertEquals(2, r.status);
        assertEquals("hart-studio: HART_FLAVOUR is \"" + requested + "\": use cpu, gpu or auto.", r.err.strip());
    }

    private record Result(int status, String out, String err) {
    }

    private Result run(String requested) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/bash", "-c",
                "source scripts/lib/flavour.sh && hart_flavour \"$1\" \"$2\"", "test", requested, root.toString()));
        pb.environment().remove("LD_LIBRARY_PATH");
        Path out = root.resolve("out.txt");
        Path err = root.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertEquals(true, p.waitFor(30, TimeUnit.SECONDS), "bash did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}

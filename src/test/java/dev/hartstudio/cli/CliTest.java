package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hartstudio.testing.SyntheticBundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsPrintsUsage() {
        assertEquals(Cli.USAGE, cli.run());
        assertTrue(out().startsWith("Usage: hart-studio"), out());
    }

    @Test
    void versionPrintsTheVersionOnnxRuntimeFlavourProviderAndBundle() {
        dev.hartstudio.engine.BuildInfo build = dev.hartstudio.engine.BuildInfo.current();
        assertEquals(0, cli.run("--version"), err());
        String[] lines = out().strip().split("\\R");
        assertEquals(4, lines.length, out());
        assertEquals("HART Studio   " + build.version(), lines[0]);
        assertTrue(lines[1].startsWith("ONNX Runtime  " + build.onnxRuntimeVersion() + ", " + build.flavour().label()),
                lines[1]);
        assertTrue(lines[2].startsWith("Provider      cpu ("), lines[2]);
        assertTrue(lines[3].startsWith("Bundle        hart-tiny (") && lines[3].endsWith("hart-tiny)"), lines[3]);
    }

    @Test
    void versionTakesNoArguments() {
        assertEquals(Cli.USAGE, cli.run("version", "--bundle", "x"));
        assertEquals("version takes no arguments, got [--bundle, x].", err().strip());
    }

    @Test
    void inspectPrintsSummaryOfAValidBundle() throws Exception {
        Path bundle = SyntheticBundle.create(dir.resolve("b")).dir();
        assertEquals(0, cli.run("inspect", bundle.toString()));
        assertTrue(out().startsWith("synthetic: a bundle for tests"), out());
        assertTrue(out().strip().endsWith("OK"), out());
    }

    @Test
    void inspectLoadChecksEveryGraph() throws Exception {
        Path bundle = SyntheticBundle.create(dir.resolve("b")).useRealGraphs().dir();
        assertEquals(0, cli.run("inspect", bundle.toString(), "--load", "--device", "cpu"), err());
        assertTrue(out().contains("provider: cpu (CPU requested)"), out());
        assertTrue(out().contains("loaded 9 graphs, all match the manifest"), out());
    }

    @Test
    void inspectLoadOfAnFp16BundleOnTheCpuPrintsOneSentenceNamingTheFp32Bundle() throws Exception {
        SyntheticBundle synthetic = SyntheticBundle.create(dir.resolve("b16")).useRealGraphs();
        synthetic.manifest().addProperty("precision", "fp16");
        synthetic.manifest().addProperty("fp32_bundle", "b32");
        Path bundle = synthetic.write().dir();
        assertEquals(Cli.FAILED, cli.run("inspect", bundle.toString(), "--load", "--device", "cpu"));
        assertEquals("synthetic is an fp16 bundle, which runs only on the CUDA provider, and this machine runs on the CPU "
                + "(CPU requested), so open the fp32 bundle \"b32\" instead.", err().strip());
    }

    @Test
    void inspectOfABrokenBundlePrintsTheOneSentence() throws Exception {
        Path bundle = SyntheticBundle.create(dir.resolve("b")).dir();
        Files.writeString(bundle.resolve("step.onnx"), "tampered");
        assertEquals(Cli.FAILED, cli.run("inspect", bundle.toString()));
        assertTrue(err().startsWith("step.onnx: sha256 is "), err());
    }

    @Test
    void badDeviceIsAUsageError() {
        assertEquals(Cli.USAGE, cli.run("providers", "--device", "gpu"));
        assertTrue(err().contains("use auto, cpu, cuda or cuda:N"), err());
    }

    @Test
    void providersReportsTheChoice() {
        assertEquals(0, cli.run("providers", "--device", "cpu"));
        assertEquals("requested cpu, using cpu (CPU requested)", out().strip());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(Cli.USAGE, cli.run("paint"));
        assertTrue(err().contains("Unknown command \"paint\""), err());
    }
}

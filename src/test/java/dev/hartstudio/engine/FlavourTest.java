package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FlavourTest {

    @ParameterizedTest(name = "requested \"{0}\", driver {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "null, false, CPU", "null, true, GPU", "'', false, CPU", "'', true, GPU", "auto, false, CPU",
            "AUTO, true, GPU", "cpu, true, CPU", "' Cpu ', false, CPU", "gpu, false, GPU", "gpu, true, GPU"})
    void choosesTheRequestedFlavourElseGpuOnlyWhenADriverIsFound(String requested, boolean driver, Flavour expected) {
        assertEquals(expected, Flavour.choose(requested, driver));
    }

    @Test
    void anUnknownFlavourIsRefusedWithTheAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Flavour.choose("cuda", true));
        assertEquals("Unknown flavour \"cuda\": use cpu, gpu or auto.", e.getMessage());
    }

    @ParameterizedTest(name = "{0} build, requested \"{1}\", driver {2}: hint {3}")
    @CsvSource(nullValues = "null", value = {
            "CPU, null, true, true", "CPU, auto, true, true", "CPU, null, false, false", "CPU, cpu, true, false",
            "GPU, null, true, false", "GPU, null, false, false", "CPU, nonsense, true, true"})
    void onlyTheCpuBuildOnAMachineWithADriverSaysHowToGetTheGpuBuild(Flavour running, String requested, boolean driver,
            boolean hint) {
        String text = running.hint(requested, driver);
        assertEquals(hint, !text.isEmpty(), text);
        if (hint) {
            assertTrue(text.contains("HART_FLAVOUR=gpu"), text);
        }
    }

    @Test
    void buildPropertiesAreReadWithTheirFlavour() {
        Properties p = new Properties();
        p.setProperty("version", "1.2.3");
        p.setProperty("flavour", "gpu");
        p.setProperty("onnxruntime.version", "1.29.0");
        BuildInfo info = BuildInfo.parse(p);
        assertEquals(new BuildInfo("1.2.3", Flavour.GPU, "1.29.0"), info);
        assertEquals("HART Studio 1.2.3 (GPU build, ONNX Runtime 1.29.0)", info.describe());
    }

    @Test
    void unfilteredBuildPropertiesNameTheMissingValue() {
        Properties p = new Properties();
        p.setProperty("version", "${project.version}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BuildInfo.parse(p));
        assertEquals("build.properties has no value for version (was it copied without Maven's resource filtering?).",
                e.getMessage());
    }

    @Test
    void thisBuildKnowsItsFlavourAndVersion() {
        BuildInfo info = BuildInfo.current();
        assertEquals(System.getProperty("hart.flavour"), info.flavour().id(), "the build's -Dhart.flavour (set by the pom)");
        assertTrue(info.onnxRuntimeVersion().matches("[0-9]+\\.[0-9]+\\.[0-9]+"), info.onnxRuntimeVersion());
    }
}

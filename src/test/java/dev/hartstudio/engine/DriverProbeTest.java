package dev.hartstudio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class DriverProbeTest {

    private static Predicate<Path> files(String... paths) {
        Set<Path> set = Set.of(java.util.Arrays.stream(paths).map(Path::of).toArray(Path[]::new));
        return set::contains;
    }

    @Test
    void linuxWithDeviceAndLibraryFindsDriver() {
        DriverProbe.Status s = DriverProbe.probe("Linux", Map.of(),
                files("/dev/nvidiactl", "/usr/lib/x86_64-linux-gnu/libcuda.so.1"));
        assertTrue(s.found(), s.detail());
    }

    @Test
    void linuxLibraryIsAlsoFoundOnLdLibraryPath() {
        DriverProbe.Status s = DriverProbe.probe("Linux", Map.of("LD_LIBRARY_PATH", "/opt/driver/lib:"),
                files("/dev/nvidia0", "/opt/driver/lib/libcuda.so.1"));
        assertTrue(s.found(), s.detail());
    }

    @Test
    void wslDeviceAndLibraryFindDriver() {
        DriverProbe.Status s = DriverProbe.probe("Linux", Map.of(), files("/dev/dxg", "/usr/lib/wsl/lib/libcuda.so.1"));
        assertTrue(s.found(), s.detail());
    }

    @Test
    void linuxWithoutDeviceFindsNothing() {
        DriverProbe.Status s = DriverProbe.probe("Linux", Map.of(), files("/usr/lib/x86_64-linux-gnu/libcuda.so.1"));
        assertFalse(s.found());
        assertEquals("no /dev/nvidiactl, /dev/nvidia0 or /dev/dxg", s.detail());
    }

    @Test
    void linuxDeviceWithoutLibraryFindsNothing() {
        DriverProbe.Status s = DriverProbe.probe("Linux", Map.of(), files("/dev/nvidiactl"));
        assertFalse(s.found());
        assertTrue(s.detail().contains("libcuda.so.1 was not found"), s.detail());
    }

    @Test
    void windowsLooksForNvcuda() {
        Path dll = Path.of("C:\\Windows", "System32", "nvcuda.dll");
        assertTrue(DriverProbe.probe("Windows 11", Map.of(), dll::equals).found());
        assertFalse(DriverProbe.probe("Windows 11", Map.of(), p -> false).found());
    }

    @Test
    void macOsHasNoCuda() {
        assertFalse(DriverProbe.probe("Mac OS X", Map.of(), p -> true).found());
    }
}

package dev.hartstudio.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Looks for an NVIDIA driver before ONNX Runtime is asked for CUDA: with the GPU build that attempt
 * costs about 4 s (it unpacks a 580 MB provider library) even on a machine without a GPU, and
 * {@code OrtEnvironment.getAvailableProviders()} lists CUDA regardless.
 */
public interface DriverProbe {

    /**
     * The outcome of a probe.
     *
     * @param found whether a driver looks usable
     * @param detail what was found or missing, for logs
     */
    record Status(boolean found, String detail) {
    }

    Status probe();

    /** Probes this machine: device nodes and {@code libcuda.so.1} (Linux, WSL) or {@code nvcuda.dll} (Windows). */
    static DriverProbe system() {
        return () -> probe(System.getProperty("os.name", ""), System.getenv(), Files::isReadable);
    }

    /** The probe logic with the operating system, environment and file check supplied (for tests). */
    static Status probe(String osName, Map<String, String> env, Predicate<Path> readable) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String systemRoot = env.getOrDefault("SystemRoot", "C:\\Windows");
            Path dll = Path.of(systemRoot, "System32", "nvcuda.dll");
            return readable.test(dll) ? new Status(true, dll.toString()) : new Status(false, dll + " not found");
        }
        if (!os.contains("linux")) {
            return new Status(false, "CUDA is only available on Linux and Windows");
        }
        // /dev/dxg is the GPU of WSL 2, whose driver lives in /usr/lib/wsl/lib.
        List<Path> devices = List.of(Path.of("/dev/nvidiactl"), Path.of("/dev/nvidia0"), Path.of("/dev/dxg"));
        Path device = devices.stream().filter(readable).findFirst().orElse(null);
        if (device == null) {
            return new Status(false, "no /dev/nvidiactl, /dev/nvidia0 or /dev/dxg");
        }
        for (Path dir : libraryFolders(env)) {
            Path lib = dir.resolve("libcuda.so.1");
            if (readable.test(lib)) {
                return new Status(true, device + " and " + lib);
            }
        }
        return new Status(false, device + " exists but libcuda.so.1 was not found");
    }

    /** Where Linux looks for the driver's and CUDA's libraries: LD_LIBRARY_PATH, then the usual folders. */
    static List<Path> libraryFolders(Map<String, String> env) {
        List<Path> dirs = new ArrayList<>();
        String ldPath = env.get("LD_LIBRARY_PATH");
        if (ldPath != null) {
            for (String dir : ldPath.split(":")) {
                if (!dir.isBlank()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/lib/x86_64-linux-gnu", "/lib64", "/usr/lib/wsl/lib", "/usr/local/nvidia/lib64",
                "/usr/local/cuda/compat")) {
            dirs.add(Path.of(dir));
        }
        return dirs;
    }
}

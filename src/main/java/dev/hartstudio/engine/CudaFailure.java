package dev.hartstudio.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns ONNX Runtime's message when the CUDA provider cannot start into what to do: the library it
 * could not load names the major version it was built for ({@code libcudnn.so.9}: cuDNN 9,
 * {@code libcublasLt.so.12}: CUDA 12), and the versions installed on the library path say whether
 * the wrong one is there. Kept apart from {@link ProviderResolver} so it can be tested with the
 * messages and library listings of machines this build never runs on.
 */
public final class CudaFailure {

    /** A library the CUDA provider loads: Linux {@code libcublasLt.so.12}, Windows {@code cublasLt64_12.dll}. */
    private static final Pattern LIBRARY = Pattern.compile(
            "\\b(?:lib)?(cudnn|cublasLt|cublas|cudart|cufft|curand|nvrtc|nvJitLink)(?:\\.so\\.|64_)(\\d+)(?:\\.dll)?");
    private static final Pattern DRIVER_TOO_OLD = Pattern.compile(
            "driver version is insufficient|CUDA driver is a stub|forward compatibility was attempted",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NO_DEVICE = Pattern.compile("no CUDA-capable device", Pattern.CASE_INSENSITIVE);
    private static final Pattern BAD_ORDINAL = Pattern.compile("invalid device ordinal", Pattern.CASE_INSENSITIVE);

    /** Oldest NVIDIA driver that runs CUDA 12 (minor-version compatibility, Linux 525.60.13, Windows 527.41). */
    static final String DRIVER_FOR_CUDA_12 = "525";

    private CudaFailure() {
    }

    /**
     * The reason shown when CUDA could not be added, e.g. {@code libcudnn.so.9 (cuDNN 9) was not found,
     * but libcudnn.so.8 is installed: this GPU build needs cuDNN 9; install it or add its folder to
     * LD_LIBRARY_PATH}. Falls back to ONNX Runtime's message on one line when it is none of the known
     * cases.
     *
     * @param ortMessage ONNX Runtime's message
     * @param device the CUDA device asked for
     * @param installed file names of the libraries on the library path (see {@link #installedLibraries})
     */
    public static String explain(String ortMessage, int device, Collection<String> installed) {
        String message = ProviderResolver.oneLine(ortMessage);
        Matcher lib = LIBRARY.matcher(message);
        if (lib.find() && (message.contains("cannot open shared object") || message.contains("No such file")
                || message.toLowerCase(Locale.ROOT).contains("missing") || message.contains("error 126")
                || message.contains("LoadLibrary"))) {
            String name = lib.group(0);
            String base = lib.group(1);
            String major = lib.group(2);
            String component = component(base);
            String windows = name.endsWith(".dll") ? "PATH" : "LD_LIBRARY_PATH";
            TreeMap<Integer, String> others = new TreeMap<>();   // major -> shortest file name of that major
            for (String file : installed) {
                Matcher m = LIBRARY.matcher(file);
                if (m.lookingAt() && m.group(1).equals(base) && !m.group(2).equals(major)) {
                    others.merge(Integer.parseInt(m.group(2)), file, (a, b) -> a.length() <= b.length() ? a : b);
                }
            }
            List<String> shown = new ArrayList<>();
            others.forEach((v, file) -> shown.add(component + " " + v + " (" + file + ")"));
            String found = shown.isEmpty() ? "" : ", but " + String.join(" and ", shown)
                    + (shown.size() == 1 ? " is" : " are") + " installed";
            return name + " (" + component + " " + major + ") was not found" + found + ": this GPU build of ONNX Runtime "
                    + "needs " + component + " " + major + "; install it (" + install(component, major) + ") or add its "
                    + "folder to " + windows + ".";
        }
        if (DRIVER_TOO_OLD.matcher(message).find()) {
            return "the NVIDIA driver is too old for CUDA 12: update it to version " + DRIVER_FOR_CUDA_12
                    + " or newer (nvidia-smi shows the version).";
        }
        if (NO_DEVICE.matcher(message).find()) {
            return "no CUDA-capable GPU was found (nvidia-smi lists the GPUs the driver sees).";
        }
        if (BAD_ORDINAL.matcher(message).find()) {
            return "there is no GPU cuda:" + device + " on this machine (nvidia-smi lists the GPUs and their indices).";
        }
        return message.endsWith(".") ? message : message + ".";
    }

    /** File names of the CUDA libraries in {@code folders}, e.g. {@code libcudnn.so.8}; unreadable folders are skipped. */
    public static List<String> installedLibraries(List<Path> folders) {
        TreeSet<String> names = new TreeSet<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                files.map(p -> String.valueOf(p.getFileName())).filter(n -> LIBRARY.matcher(n).lookingAt())
                        .forEach(names::add);
            } catch (IOException | RuntimeException e) {
                // An unreadable folder holds nothing we can name.
            }
        }
        return List.copyOf(names);
    }

    /** The CUDA libraries on this machine's library path. */
    static List<String> installedLibraries(Map<String, String> env) {
        return installedLibraries(DriverProbe.libraryFolders(env));
    }

    private static String component(String base) {
        return base.equals("cudnn") ? "cuDNN" : "CUDA";
    }

    private static String install(String component, String major) {
        return component.equals("cuDNN") ? "cuDNN " + major + " for CUDA 12"
                : "the CUDA " + major + " runtime libraries: cudart, cuBLAS, cuFFT, cuRAND";
    }
}

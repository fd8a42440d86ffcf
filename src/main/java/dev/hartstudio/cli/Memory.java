package dev.hartstudio.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The process's memory: peak and current resident set from {@code /proc/self/status} (Linux;
 * absent elsewhere) and the JVM heap. Native memory (ONNX Runtime's arenas, weights, tokenizer) is
 * estimated as RSS minus the heap in use, an upper bound that also counts code and thread stacks.
 */
record Memory(Long peakRssBytes, Long rssBytes, long heapUsedBytes, long heapCommittedBytes) {

    static final Path STATUS = Path.of("/proc/self/status");

    static Memory now() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        Long peak = null;
        Long rss = null;
        try {
            List<String> lines = Files.readAllLines(STATUS);
            peak = kib(lines, "VmHWM:");
            rss = kib(lines, "VmRSS:");
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the RSS fields out
        }
        return new Memory(peak, rss, used, rt.totalMemory());
    }

    private static Long kib(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return null;
    }

    /** RSS minus the heap in use, or null when RSS is unknown. */
    Long nativeEstimateBytes() {
        return rssBytes == null ? null : Math.max(0, rssBytes - heapUsedBytes);
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        if (peakRssBytes != null) {
            o.addProperty("peak_rss_mb", mb(peakRssBytes));
            o.addProperty("rss_mb", mb(rssBytes));
            o.addProperty("native_estimate_mb", mb(nativeEstimateBytes()));
        }
        o.addProperty("heap_used_mb", mb(heapUsedBytes));
        o.addProperty("heap_committed_mb", mb(heapCommittedBytes));
        return o;
    }

    static String describe(JsonObject o) {
        StringBuilder s = new StringBuilder();
        if (o.has("peak_rss_mb")) {
            s.append(String.format(Locale.ROOT, "peak RSS %.0f MB, RSS %.0f MB, native estimate %.0f MB (RSS - heap used), ",
                    o.get("peak_rss_mb").getAsDouble(), o.get("rss_mb").getAsDouble(),
                    o.get("native_estimate_mb").getAsDouble()));
        } else {
            s.append("RSS unknown (no /proc/self/status), ");
        }
        s.append(String.format(Locale.ROOT, "heap used %.0f MB of %.0f MB committed", o.get("heap_used_mb").getAsDouble(),
                o.get("heap_committed_mb").getAsDouble()));
        return s.toString();
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1e6 * 10) / 10.0;
    }
}

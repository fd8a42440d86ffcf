package dev.hartstudio.ui.create;

import dev.hartstudio.engine.generate.GenerationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parsing and checking of the create panel's fields. Each {@code check} returns null when the text
 * is valid, else a message that states the allowed range.
 */
public final class ParameterRules {

    public static final double CFG_MAX = 50;
    public static final int BATCH_MAX = 100;

    private ParameterRules() {
    }

    public static String checkSeed(String text) {
        try {
            long v = Long.parseLong(text.strip());
            return v < 0 || v > GenerationRequest.MAX_SEED ? seedRange() : null;
        } catch (NumberFormatException e) {
            return seedRange();
        }
    }

    public static long parseSeed(String text) {
        return Long.parseLong(text.strip());
    }

    private static String seedRange() {
        return "Seed: a whole number from 0 to " + GenerationRequest.MAX_SEED;
    }

    public static String checkCfg(String text) {
        Double v = parseDouble(text);
        return v == null || v < 0 || v > CFG_MAX ? "CFG: a number from 0 to 50 (1 = no guidance)" : null;
    }

    public static String checkTopP(String text) {
        Double v = parseDouble(text);
        return v == null || v < 0 || v >= 1 ? "Top-p: from 0 (off) up to, but not including, 1" : null;
    }

    public static String checkBatch(String text) {
        try {
            int v = Integer.parseInt(text.strip());
            return v < 1 || v > BATCH_MAX ? batchRange() : null;
        } catch (NumberFormatException e) {
            return batchRange();
        }
    }

    private static String batchRange() {
        return "Images: a whole number from 1 to " + BATCH_MAX;
    }

    /**
     * Top-k: one value for every scale, or exactly {@code scales} values separated by commas or
     * spaces; each 0 (off) to {@code codebookSize}.
     */
    public static String checkTopK(String text, int scales, int codebookSize) {
        String range = "Top-k: 1 or " + scales + " whole numbers from 0 (off) to " + codebookSize
                + ", separated by commas";
        List<Integer> v = parseTopKValues(text);
        if (v == null || (v.size() != 1 && v.size() != scales)) {
            return range;
        }
        for (int k : v) {
            if (k < 0 || k > codebookSize) {
                return range;
            }
        }
        return null;
    }

    /** The per-scale schedule: one value repeated K times, or the K values given. */
    public static int[] parseTopK(String text, int scales) {
        List<Integer> v = parseTopKValues(text);
        int[] out = new int[scales];
        for (int i = 0; i < scales; i++) {
            out[i] = v.size() == 1 ? v.get(0) : v.get(i);
        }
        return out;
    }

    /** "600, 600, 300" for a schedule; one number when all are equal. */
    public static String formatTopK(List<Integer> topK) {
        if (topK.isEmpty()) {
            return "";
        }
        if (topK.stream().distinct().count() == 1) {
            return String.valueOf(topK.get(0));
        }
        return String.join(", ", topK.stream().map(String::valueOf).toList());
    }

    /** Numbers without a trailing ".0": 4.5 → "4.5", 4 → "4". */
    public static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    public static double parseNumber(String text) {
        return Double.parseDouble(text.strip().replace(',', '.'));
    }

    private static Double parseDouble(String text) {
        try {
            double v = parseNumber(text);
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<Integer> parseTopKValues(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (String part : s.split("[,;\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out.isEmpty() ? null : out;
    }
}

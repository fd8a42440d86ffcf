package dev.hartstudio.cli;

import dev.hartstudio.engine.generate.GenerationEvent;
import dev.hartstudio.engine.generate.GenerationListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a run of many images on stderr: on a terminal one bar redrawn in place (scale k/K,
 * diffusion step, images done/total, ETA); elsewhere (a log file, a job runner) one plain line per
 * finished batch.
 */
final class Progress implements GenerationListener {

    private static final long REDRAW_NANOS = 80_000_000L;
    private static final int BAR = 24;

    private final PrintStream err;
    private final boolean terminal;
    private final int total;
    private final int width;
    private final LongSupplier clock;
    private long start = -1;
    private int done;
    private int batch;
    private int scale;
    private int scales;
    private int step;
    private int steps;
    private boolean discreteOnly;
    private long lastDraw;
    private boolean barShown;

    Progress(PrintStream err, boolean terminal, int total, LongSupplier clock) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.clock = clock;
        this.width = terminalWidth();
    }

    /** A batch of {@code images} is about to start. */
    void startBatch(int images, int scalesOfModel, int diffusionSteps, boolean discrete) {
        if (start < 0) {
            start = clock.getAsLong();
        }
        batch = images;
        scale = 0;
        scales = scalesOfModel;
        step = 0;
        steps = discrete ? 0 : diffusionSteps;
        discreteOnly = discrete;
        draw(true);
    }

    @Override
    public void onEvent(GenerationEvent event) {
        if (event instanceof GenerationEvent.ScaleDone s) {
            scale = s.scale() + 1;
        } else if (event instanceof GenerationEvent.DiffusionStep d) {
            step = d.index() + 1;
        }
        draw(false);
    }

    /** The batch is written; {@code message} (may be null) is shown as a plain line. */
    void endBatch(String message) {
        done += batch;
        batch = 0;
        if (terminal) {
            draw(true);
        } else {
            err.println(String.format(Locale.ROOT, "[%d/%d images] %s%s", done, total,
                    message == null ? "done" : message, eta().isEmpty() ? "" : ", ETA " + eta()));
        }
    }

    /** Prints a line above the bar (or plainly when not on a terminal). */
    void println(PrintStream stream, String line) {
        clear();
        stream.println(line);
        if (terminal && barShown) {
            draw(true);
        }
    }

    /** Removes the bar for good. */
    void finish() {
        clear();
        barShown = false;
    }

    private void clear() {
        if (terminal && barShown) {
            err.print("\r" + " ".repeat(Math.max(0, width - 1)) + "\r");
            err.flush();
        }
    }

    private double fraction() {
        int units = scales + steps;
        double inBatch = units == 0 ? 0 : (double) (scale + step) / units;
        return total == 0 ? 1 : Math.min(1, (done + batch * inBatch) / total);
    }

    private String eta() {
        double f = fraction();
        if (start < 0 || f <= 0 || done == 0 && batch == 0) {
            return "";
        }
        double elapsed = (clock.getAsLong() - start) / 1e9;
        if (f >= 1) {
            return "";
        }
        if (f < 0.02) {
            return "--";
        }
        return duration(elapsed / f * (1 - f));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private void draw(boolean force) {
        if (!terminal) {
            return;
        }
        long now = clock.getAsLong();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double f = fraction();
        int filled = (int) Math.round(f * BAR);
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "%3d%% [", Math.round(f * 100)));
        line.append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
        line.append(String.format(Locale.ROOT, "images %d/%d", done, total));
        if (batch > 0) {
            line.append(String.format(Locale.ROOT, "  scale %d/%d", scale, scales));
            line.append(discreteOnly ? "  no diffusion" : String.format(Locale.ROOT, "  step %d/%d", step, steps));
        }
        String eta = eta();
        if (!eta.isEmpty()) {
            line.append("  ETA ").append(eta);
        }
        String text = line.length() >= width ? line.substring(0, Math.max(0, width - 1)) : line.toString();
        err.print("\r" + text + " ".repeat(Math.max(0, width - 1 - text.length())));
        err.flush();
        barShown = true;
    }

    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("[0-9]{2,4}")) {
            return Math.max(40, Integer.parseInt(columns));
        }
        return 80;
    }
}

package dev.hartstudio.ui;

import dev.hartstudio.engine.Flavour;
import dev.hartstudio.engine.generate.Timings;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.ModelInfo;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.queue.GenerationQueue;
import java.util.Locale;
import java.util.function.LongSupplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** The status bar: model, provider, the last generation's timings, memory and the queue. */
public final class StatusViewModel {

    private final ReadOnlyStringWrapper timings = new ReadOnlyStringWrapper(this, "timings", "No generation yet");
    private final ReadOnlyStringWrapper memory = new ReadOnlyStringWrapper(this, "memory", "");
    private final StringBinding model;
    private final StringBinding provider;
    private final StringBinding providerChip;
    private final StringBinding queueText;
    private final LongSupplier usedBytes;
    private final LongSupplier maxBytes;

    /**
     * @param flavour the ONNX Runtime build running, named on the provider line
     * @param flavourHint how to get the GPU build (appended to the provider line), or empty
     */
    public StatusViewModel(EngineModel engine, GenerationQueue queue, LongSupplier usedBytes, LongSupplier maxBytes,
            Flavour flavour, String flavourHint) {
        this.usedBytes = usedBytes;
        this.maxBytes = maxBytes;
        model = Bindings.createStringBinding(() -> {
            ModelInfo m = engine.getModel();
            return engine.getState() == EngineModel.State.LOADING ? engine.statusTextProperty().get()
                    : m == null ? "No model" : m.name() + " · " + m.resolution() + " px";
        }, engine.modelProperty(), engine.stateProperty(), engine.statusTextProperty());
        provider = Bindings.createStringBinding(() -> {
            ModelInfo m = engine.getModel();
            if (m == null) {
                return "";
            }
            return m.providerLabel() + " · " + flavour.label() + (flavourHint.isEmpty() ? "" : " · " + flavourHint);
        }, engine.modelProperty());
        providerChip = Bindings.createStringBinding(() -> {
            ModelInfo m = engine.getModel();
            return m == null ? "" : m.providerLabel();
        }, engine.modelProperty());
        queueText = Bindings.createStringBinding(() -> {
            int waiting = queue.waitingProperty().get();
            double left = queue.secondsLeftBinding().get();
            boolean busy = queue.getRunning() != null;
            if (!busy && waiting == 0) {
                return "Idle";
            }
            String s = busy ? "Generating" : "";
            if (waiting > 0) {
                s += (s.isEmpty() ? "" : " · ") + waiting + " waiting";
            }
            if (left >= 0) {
                s += " · " + GenerationJob.formatSeconds(left) + " left";
            }
            return s;
        }, queue.waitingProperty(), queue.secondsLeftBinding(), queue.runningProperty());
        queue.onFinished(this::recordTimings);
        refreshMemory();
    }

    // Properties

    public StringBinding modelBinding() {
        return model;
    }

    /** E.g. "CPU (no NVIDIA driver found) · CPU build", with how to get the GPU build when it would help. */
    public StringBinding providerBinding() {
        return provider;
    }

    /** The app bar's short form, e.g. "CPU (no NVIDIA driver found)". */
    public StringBinding providerChipBinding() {
        return providerChip;
    }

    /** E.g. "Last: 1.42 s (text 12 ms · 8 scales 910 ms · 8 steps 380 ms · decode 95 ms)". */
    public ReadOnlyStringProperty timingsProperty() {
        return timings.getReadOnlyProperty();
    }

    /** E.g. "Memory 412 / 4096 MB". */
    public ReadOnlyStringProperty memoryProperty() {
        return memory.getReadOnlyProperty();
    }

    /** E.g. "Generating · 2 waiting · 14 s left". */
    public StringBinding queueBinding() {
        return queueText;
    }

    // Commands

    /** Re-reads the JVM memory use (the view calls this every few seconds). */
    public void refreshMemory() {
        memory.set(String.format(Locale.ROOT, "Memory %d / %d MB", usedBytes.getAsLong() >> 20,
                maxBytes.getAsLong() >> 20));
    }

    private void recordTimings(GenerationJob job) {
        Timings t = job.getResult().timings();
        long scales = sum(t.scaleNanos());
        long steps = sum(t.diffusionNanos());
        String s = String.format(Locale.ROOT, "Last: %.2f s (text %s · %d scales %s", t.totalNanos() / 1e9,
                ms(t.textNanos()), t.scaleNanos().length, ms(scales));
        if (t.diffusionNanos().length > 0) {
            s += String.format(Locale.ROOT, " · %d steps %s", t.diffusionNanos().length, ms(steps));
        }
        s += " · decode " + ms(t.decodeNanos()) + ")";
        timings.set(s);
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}

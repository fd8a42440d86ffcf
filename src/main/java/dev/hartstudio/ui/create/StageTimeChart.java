package dev.hartstudio.ui.create;

import java.util.List;
import java.util.Locale;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/** A small bar chart of per-stage times: scales in the accent colour, diffusion steps in amber. */
public final class StageTimeChart extends Region {

    private static final Color SCALE = Color.web("#7c6cf0");
    private static final Color DIFFUSION = Color.web("#e29a2d");

    private final Canvas canvas = new Canvas();
    private List<CreateViewModel.StageTime> times = List.of();
    private Color text = Color.gray(0.5);

    public StageTimeChart() {
        getStyleClass().add("stage-time-chart");
        getChildren().add(canvas);
        setPrefHeight(64);
        setMinHeight(64);
    }

    /** Shows {@code stageTimes}. */
    public void setTimes(List<CreateViewModel.StageTime> stageTimes) {
        this.times = List.copyOf(stageTimes);
        draw();
    }

    /** Colour of the labels (follows the theme). */
    public void setTextColor(Color c) {
        this.text = c;
        draw();
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        g.setFont(Font.font("System", 10));
        g.setTextBaseline(VPos.TOP);
        if (times.isEmpty()) {
            g.setFill(text);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText("Stage times appear here as the image is made.", 0, h / 2 - 6);
            return;
        }
        double max = times.stream().mapToDouble(CreateViewModel.StageTime::millis).max().orElse(1);
        double total = times.stream().mapToDouble(CreateViewModel.StageTime::millis).sum();
        double legend = 110;
        double plotW = Math.max(10, w - legend);
        double slot = plotW / times.size();
        double barW = Math.max(2, Math.min(26, slot - 3));
        double top = 4;
        double bottom = h - 14;
        for (int i = 0; i < times.size(); i++) {
            CreateViewModel.StageTime t = times.get(i);
            double bh = max <= 0 ? 0 : (bottom - top) * t.millis() / max;
            double x = i * slot + (slot - barW) / 2;
            g.setFill(t.scale() ? SCALE : DIFFUSION);
            g.fillRoundRect(x, bottom - Math.max(1, bh), barW, Math.max(1, bh), 3, 3);
            if (slot >= 18) {
                g.setFill(text);
                g.setTextAlign(TextAlignment.CENTER);
                g.fillText(t.label(), x + barW / 2, bottom + 2);
            }
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(text);
        double lx = plotW + 10;
        g.fillText(String.format(Locale.ROOT, "max %.0f ms", max), lx, top);
        g.fillText(String.format(Locale.ROOT, "sum %.0f ms", total), lx, top + 14);
        g.setFill(SCALE);
        g.fillRect(lx, top + 31, 8, 8);
        g.setFill(DIFFUSION);
        g.fillRect(lx + 48, top + 31, 8, 8);
        g.setFill(text);
        g.fillText("scale", lx + 11, top + 29);
        g.fillText("diff.", lx + 59, top + 29);
    }
}

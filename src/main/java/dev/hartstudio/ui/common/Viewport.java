package dev.hartstudio.ui.common;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * Zoom and pan shared by one or more {@link ImageCanvas}es (synchronised views). Positions are in
 * image fractions and the zoom is relative to "fit", so images of different pixel sizes (a 8×8
 * preview, the 1024×1024 final) keep the same framing.
 */
public final class Viewport {

    public static final double MIN_ZOOM = 0.1;
    public static final double MAX_ZOOM = 256;

    private final DoubleProperty zoom = new SimpleDoubleProperty(this, "zoom", 1);
    private final DoubleProperty centerX = new SimpleDoubleProperty(this, "centerX", 0.5);
    private final DoubleProperty centerY = new SimpleDoubleProperty(this, "centerY", 0.5);
    private final BooleanProperty pixelExact = new SimpleBooleanProperty(this, "pixelExact", false);

    // Properties

    /** Magnification relative to fitting the image in the view (1 = fit). */
    public DoubleProperty zoomProperty() {
        return zoom;
    }

    /** Image x (0..1) at the centre of the view. */
    public DoubleProperty centerXProperty() {
        return centerX;
    }

    /** Image y (0..1) at the centre of the view. */
    public DoubleProperty centerYProperty() {
        return centerY;
    }

    /** Nearest-neighbour sampling at whole-number screen pixels per image pixel. */
    public BooleanProperty pixelExactProperty() {
        return pixelExact;
    }

    // Commands

    public void fit() {
        zoom.set(1);
        centerX.set(0.5);
        centerY.set(0.5);
    }

    /** Multiplies the zoom by {@code factor}, keeping image point ({@code fx}, {@code fy}) still on screen. */
    public void zoomBy(double factor, double fx, double fy) {
        double old = zoom.get();
        double z = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, old * factor));
        double k = old / z;
        centerX.set(fx + (centerX.get() - fx) * k);
        centerY.set(fy + (centerY.get() - fy) * k);
        zoom.set(z);
    }

    /** Moves the view by a fraction of the image. */
    public void panBy(double dx, double dy) {
        centerX.set(Math.max(0, Math.min(1, centerX.get() + dx)));
        centerY.set(Math.max(0, Math.min(1, centerY.get() + dy)));
    }
}

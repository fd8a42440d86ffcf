package dev.hartstudio.ui.common;

import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * Shows an image with smooth zoom (wheel, around the cursor) and pan (drag), double-click to fit,
 * and a pixel-exact mode (nearest neighbour, whole screen pixels per image pixel). Optional layers:
 * a second image revealed right of a wipe line (drag the line), a translucent overlay and a grid.
 * The zoom and pan live in a {@link Viewport} that several canvases may share.
 */
public final class ImageCanvas extends Region {

    private static final double PAD = 12;
    private static final double WIPE_GRAB = 8;

    private final Canvas canvas = new Canvas();
    private final ObjectProperty<Image> image = new SimpleObjectProperty<>(this, "image");
    private final ObjectProperty<Image> compareImage = new SimpleObjectProperty<>(this, "compareImage");
    private final DoubleProperty wipe = new SimpleDoubleProperty(this, "wipe", 0.5);
    private final ObjectProperty<Image> overlay = new SimpleObjectProperty<>(this, "overlay");
    private final DoubleProperty overlayOpacity = new SimpleDoubleProperty(this, "overlayOpacity", 0.5);
    private final IntegerProperty gridCells = new SimpleIntegerProperty(this, "gridCells");
    private final StringProperty placeholder = new SimpleStringProperty(this, "placeholder", "");
    private final StringProperty leftTag = new SimpleStringProperty(this, "leftTag", "");
    private final StringProperty rightTag = new SimpleStringProperty(this, "rightTag", "");
    private final ObjectProperty<Viewport> viewport = new SimpleObjectProperty<>(this, "viewport", new Viewport());
    private double dragX;
    private double dragY;
    private boolean draggingWipe;

    public ImageCanvas() {
        getStyleClass().add("image-canvas");
        getChildren().add(canvas);
        setMinSize(80, 80);
        for (Observable o : new Observable[] {image, compareImage, wipe, overlay, overlayOpacity, gridCells,
                placeholder, leftTag, rightTag}) {
            o.addListener(x -> redraw());
        }
        viewport.addListener((obs, old, v) -> {
            if (old != null) {
                unwatch(old);
            }
            watch(v);
            redraw();
        });
        watch(viewport.get());
        addEventHandler(ScrollEvent.SCROLL, this::onScroll);
        addEventHandler(MouseEvent.MOUSE_PRESSED, this::onPressed);
        addEventHandler(MouseEvent.MOUSE_DRAGGED, this::onDragged);
        addEventHandler(MouseEvent.MOUSE_RELEASED, e -> draggingWipe = false);
        addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                viewport.get().fit();
            }
        });
    }

    private final javafx.beans.InvalidationListener viewportChanged = o -> redraw();

    private void watch(Viewport v) {
        v.zoomProperty().addListener(viewportChanged);
        v.centerXProperty().addListener(viewportChanged);
        v.centerYProperty().addListener(viewportChanged);
        v.pixelExactProperty().addListener(viewportChanged);
    }

    private void unwatch(Viewport v) {
        v.zoomProperty().removeListener(viewportChanged);
        v.centerXProperty().removeListener(viewportChanged);
        v.centerYProperty().removeListener(viewportChanged);
        v.pixelExactProperty().removeListener(viewportChanged);
    }

    // Properties

    /** The image shown, or null (the placeholder text is shown). */
    public ObjectProperty<Image> imageProperty() {
        return image;
    }

    /** A second image of the same framing, shown right of the wipe line; null for none. */
    public ObjectProperty<Image> compareImageProperty() {
        return compareImage;
    }

    /** Position of the wipe line as a fraction of the image width. */
    public DoubleProperty wipeProperty() {
        return wipe;
    }

    /** A translucent layer over the image (heat map, token map), or null. */
    public ObjectProperty<Image> overlayProperty() {
        return overlay;
    }

    public DoubleProperty overlayOpacityProperty() {
        return overlayOpacity;
    }

    /** Draws a {@code n × n} grid over the image (token cells); 0 for none. */
    public IntegerProperty gridCellsProperty() {
        return gridCells;
    }

    /** Text shown when there is no image. */
    public StringProperty placeholderProperty() {
        return placeholder;
    }

    /** Tag drawn in the top-left corner (wipe: what is left of the line). */
    public StringProperty leftTagProperty() {
        return leftTag;
    }

    /** Tag drawn in the top-right corner (wipe: what is right of the line). */
    public StringProperty rightTagProperty() {
        return rightTag;
    }

    public ObjectProperty<Viewport> viewportProperty() {
        return viewport;
    }

    // Layout and drawing

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            redraw();
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        return 400;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 400;
    }

    /** Screen pixels per image pixel. */
    double scale(Image img) {
        double fit = Math.min((canvas.getWidth() - 2 * PAD) / img.getWidth(),
                (canvas.getHeight() - 2 * PAD) / img.getHeight());
        double s = Math.max(1e-6, fit * viewport.get().zoomProperty().get());
        if (viewport.get().pixelExactProperty().get()) {
            s = s >= 1 ? Math.floor(s) : 1.0 / Math.ceil(1.0 / s);
        }
        return s;
    }

    private void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        Image img = image.get();
        if (img == null || img.getWidth() <= 0) {
            drawPlaceholder(g, w, h);
            return;
        }
        Viewport v = viewport.get();
        boolean exact = v.pixelExactProperty().get();
        double s = scale(img);
        double dw = img.getWidth() * s;
        double dh = img.getHeight() * s;
        double x0 = w / 2 - v.centerXProperty().get() * dw;
        double y0 = h / 2 - v.centerYProperty().get() * dh;
        if (exact) {
            x0 = Math.round(x0);
            y0 = Math.round(y0);
        }
        // Previews are a few pixels wide: nearest neighbour keeps their cells honest in both modes
        // when they are scaled up a lot; smoothing only helps photos shown near 1:1.
        g.setImageSmoothing(!exact && s < 4);
        g.drawImage(img, x0, y0, dw, dh);
        Image cmp = compareImage.get();
        if (cmp != null) {
            double wx = x0 + dw * Math.max(0, Math.min(1, wipe.get()));
            g.save();
            g.beginPath();
            g.rect(wx, 0, w - wx, h);
            g.clip();
            g.setImageSmoothing(!exact && cmp.getWidth() * s / img.getWidth() < 4);
            g.drawImage(cmp, x0, y0, dw, dh);
            g.restore();
            g.setStroke(Color.WHITE);
            g.setLineWidth(2);
            g.strokeLine(wx, Math.max(0, y0), wx, Math.min(h, y0 + dh));
            g.setFill(Color.WHITE);
            g.fillOval(wx - 7, h / 2 - 7, 14, 14);
            g.setFill(Color.rgb(30, 30, 40));
            g.fillPolygon(new double[] {wx - 4, wx - 1, wx - 1}, new double[] {h / 2, h / 2 - 3, h / 2 + 3}, 3);
            g.fillPolygon(new double[] {wx + 4, wx + 1, wx + 1}, new double[] {h / 2, h / 2 - 3, h / 2 + 3}, 3);
        }
        Image ov = overlay.get();
        if (ov != null) {
            g.setGlobalAlpha(overlayOpacity.get());
            g.setImageSmoothing(false);
            g.drawImage(ov, x0, y0, dw, dh);
            g.setGlobalAlpha(1);
        }
        int n = gridCells.get();
        if (n > 1 && dw / n >= 4) {
            g.setStroke(Color.rgb(255, 255, 255, 0.45));
            g.setLineWidth(1);
            for (int i = 1; i < n; i++) {
                double x = Math.round(x0 + dw * i / n) + 0.5;
                double y = Math.round(y0 + dh * i / n) + 0.5;
                g.strokeLine(x, y0, x, y0 + dh);
                g.strokeLine(x0, y, x0 + dw, y);
            }
        }
        drawTag(g, leftTag.get(), Math.max(PAD, x0 + 8), Math.max(PAD, y0 + 8), false);
        if (cmp != null) {
            drawTag(g, rightTag.get(), Math.min(w - PAD, x0 + dw - 8), Math.max(PAD, y0 + 8), true);
        }
    }

    private void drawTag(GraphicsContext g, String text, double x, double y, boolean alignRight) {
        if (text == null || text.isEmpty()) {
            return;
        }
        g.setFont(Font.font("System", FontWeight.BOLD, 12));
        double tw = text.length() * 7.2 + 12;
        double left = alignRight ? x - tw : x;
        g.setFill(Color.rgb(0, 0, 0, 0.6));
        g.fillRoundRect(left, y, tw, 22, 8, 8);
        g.setFill(Color.WHITE);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(text, left + tw / 2, y + 11);
    }

    private void drawPlaceholder(GraphicsContext g, double w, double h) {
        String text = placeholder.get();
        if (text == null || text.isEmpty()) {
            return;
        }
        g.setFill(Color.gray(0.55));
        g.setFont(Font.font("System", 14));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(text, w / 2, h / 2);
    }

    // Interaction

    private void onScroll(ScrollEvent e) {
        Image img = image.get();
        if (img == null || e.getDeltaY() == 0) {
            return;
        }
        double[] f = imageFraction(img, e.getX(), e.getY());
        viewport.get().zoomBy(Math.pow(1.0015, e.getDeltaY()), f[0], f[1]);
        e.consume();
    }

    private void onPressed(MouseEvent e) {
        dragX = e.getX();
        dragY = e.getY();
        Image img = image.get();
        draggingWipe = false;
        if (img != null && compareImage.get() != null) {
            double s = scale(img);
            double x0 = canvas.getWidth() / 2 - viewport.get().centerXProperty().get() * img.getWidth() * s;
            double wx = x0 + img.getWidth() * s * wipe.get();
            draggingWipe = Math.abs(e.getX() - wx) <= WIPE_GRAB;
        }
    }

    private void onDragged(MouseEvent e) {
        Image img = image.get();
        if (img == null) {
            return;
        }
        double s = scale(img);
        if (draggingWipe) {
            double x0 = canvas.getWidth() / 2 - viewport.get().centerXProperty().get() * img.getWidth() * s;
            wipe.set(Math.max(0, Math.min(1, (e.getX() - x0) / (img.getWidth() * s))));
        } else {
            viewport.get().panBy(-(e.getX() - dragX) / (img.getWidth() * s), -(e.getY() - dragY) / (img.getHeight() * s));
        }
        dragX = e.getX();
        dragY = e.getY();
        e.consume();
    }

    private double[] imageFraction(Image img, double x, double y) {
        double s = scale(img);
        Viewport v = viewport.get();
        double fx = v.centerXProperty().get() + (x - canvas.getWidth() / 2) / (img.getWidth() * s);
        double fy = v.centerYProperty().get() + (y - canvas.getHeight() / 2) / (img.getHeight() * s);
        return new double[] {fx, fy};
    }

    /** Sets the zoom so one image pixel is one screen pixel. */
    public void actualSize() {
        Image img = image.get();
        if (img == null) {
            return;
        }
        double fit = Math.min((canvas.getWidth() - 2 * PAD) / img.getWidth(),
                (canvas.getHeight() - 2 * PAD) / img.getHeight());
        viewport.get().zoomProperty().set(1 / fit);
    }
}

package dev.hartstudio.ui.reconstruct;

import dev.hartstudio.engine.generate.ReconstructionResult;
import dev.hartstudio.engine.generate.RgbImage;
import dev.hartstudio.engine.image.FitMode;
import dev.hartstudio.engine.image.Metrics;
import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.FxImages;
import dev.hartstudio.ui.common.Icon;
import dev.hartstudio.ui.common.ImageCanvas;
import dev.hartstudio.ui.common.Viewport;
import dev.hartstudio.ui.reconstruct.ReconstructViewModel.Layer;
import java.io.File;
import java.util.List;
import java.util.Locale;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.ImageView;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The reconstruction viewer: controls and metrics on the left; original | stepper | hybrid side by
 * side with synchronised zoom and pan (or one wipe view) in the centre.
 */
public final class ReconstructView extends BorderPane {

    private final ReconstructViewModel vm;
    private final Viewport viewport = new Viewport();
    private final ImageCanvas original = canvas("reconOriginal");
    private final ImageCanvas stepper = canvas("reconStep");
    private final ImageCanvas hybrid = canvas("reconHybrid");
    private final ImageCanvas wipe = canvas("reconWipe");
    private final Label stepMetrics = Fields.styled("", "hint");
    private final Label hybridMetrics = Fields.styled("", "hint");
    private final LineChart<String, Number> chart;

    public ReconstructView(ReconstructViewModel vm) {
        this.vm = vm;
        setId("reconstructPage");
        CategoryAxis x = new CategoryAxis();
        NumberAxis y = new NumberAxis();
        y.setLabel("PSNR (dB)");
        y.setForceZeroInRange(false);
        chart = new LineChart<>(x, y);
        chart.setId("psnrChart");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.setPrefHeight(200);
        chart.setMinHeight(160);
        chart.setTitle("PSNR after each scale, then hybrid");
        setLeft(controls());
        setCenter(centre());
        for (Observable o : new Observable[] {vm.resultProperty(), vm.stepProperty(), vm.showErrorProperty(),
                vm.showTokensProperty(), vm.wipeLeftProperty(), vm.wipeRightProperty(), vm.wipeModeProperty()}) {
            o.addListener(e -> refresh());
        }
        wipe.wipeProperty().bindBidirectional(vm.wipeProperty());
        setOnDragOver(this::dragOver);
        setOnDragDropped(this::dropped);
        setOnDragExited(e -> getStyleClass().remove("drop-target"));
        refresh();
    }

    private Node controls() {
        Button open = Fields.button(Icon.OPEN, "Open image…", this::chooseImage);
        open.setId("reconOpen");
        open.getStyleClass().add("primary");
        open.setMaxWidth(Double.MAX_VALUE);
        Label drop = Fields.styled("…or drop any image onto this page", "hint");
        ComboBox<FitMode> fit = new ComboBox<>();
        fit.setId("fitMode");
        fit.getItems().setAll(FitMode.values());
        fit.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(FitMode m) {
                return m == null ? "" : switch (m) {
                    case CENTER_CROP -> "Centre crop (keeps aspect)";
                    case STRETCH -> "Stretch (keeps everything)";
                    case PAD -> "Pad with white (keeps both)";
                };
            }

            @Override
            public FitMode fromString(String s) {
                return null;
            }
        });
        fit.valueProperty().bindBidirectional(vm.fitModeProperty());
        fit.setOnAction(e -> vm.refit());
        fit.setMaxWidth(Double.MAX_VALUE);
        Label fitText = new Label();
        fitText.setId("fitDescription");
        fitText.setWrapText(true);
        fitText.textProperty().bind(vm.fitDescriptionProperty());
        Label status = Fields.styled("", "hint");
        status.setId("reconStatus");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusTextProperty());

        Label discreteValue = metric("discretePsnr");
        Label discreteSsim = Fields.styled("", "hint");
        discreteSsim.setId("discreteSsim");
        Label hybridValue = metric("hybridPsnr");
        Label hybridSsim = Fields.styled("", "hint");
        hybridSsim.setId("hybridSsim");
        vm.resultProperty().addListener((o, a, r) -> {
            discreteValue.setText(r == null ? "–" : db(r.psnrDiscrete()));
            hybridValue.setText(r == null ? "–" : db(r.psnrHybrid()));
            discreteSsim.setText(r == null ? "" : String.format(Locale.ROOT, "SSIM %.3f", r.ssimDiscrete()));
            hybridSsim.setText(r == null ? "" : String.format(Locale.ROOT, "SSIM %.3f", r.ssimHybrid()));
        });
        GridPane metrics = new GridPane();
        metrics.setHgap(16);
        metrics.setVgap(2);
        metrics.add(Fields.styled("DISCRETE", "metric-label"), 0, 0);
        metrics.add(Fields.styled("HYBRID", "metric-label"), 1, 0);
        metrics.add(discreteValue, 0, 1);
        metrics.add(hybridValue, 1, 1);
        metrics.add(discreteSsim, 0, 2);
        metrics.add(hybridSsim, 1, 2);

        Slider slider = new Slider(0, 1, 0);
        slider.setId("stepSlider");
        slider.setMajorTickUnit(1);
        slider.setMinorTickCount(0);
        slider.setSnapToTicks(true);
        slider.setShowTickMarks(true);
        slider.valueProperty().addListener((o, a, v) -> {
            if (vm.resultProperty().get() != null) {
                vm.stepProperty().set((int) Math.round(v.doubleValue()));
            }
        });
        vm.resultProperty().addListener((o, a, r) -> slider.setMax(Math.max(1, vm.steps() - 1)));
        vm.stepProperty().addListener((o, a, v) -> slider.setValue(v.intValue()));
        HBox.setHgrow(slider, Priority.ALWAYS);
        Button prev = Fields.iconButton(Icon.PREVIOUS, "Previous step", vm::previousStep);
        prev.setId("stepPrevious");
        Button next = Fields.iconButton(Icon.NEXT, "Next step", vm::nextStep);
        next.setId("stepNext");
        HBox stepRow = new HBox(4, prev, slider, next);
        stepRow.setAlignment(Pos.CENTER_LEFT);
        Label stepLabel = new Label();
        stepLabel.setId("stepLabel");
        stepLabel.setWrapText(true);
        stepLabel.textProperty().bind(vm.stepLabelBinding());

        CheckBox error = new CheckBox("Error heat map");
        error.setId("showError");
        error.selectedProperty().bindBidirectional(vm.showErrorProperty());
        CheckBox tokens = new CheckBox("Token map of the scale");
        tokens.setId("showTokens");
        tokens.selectedProperty().bindBidirectional(vm.showTokensProperty());
        tokens.disableProperty().bind(vm.stepIsScaleBinding().not());

        ToggleGroup layoutGroup = new ToggleGroup();
        ToggleButton side = new ToggleButton("Side by side");
        side.setId("layoutSide");
        ToggleButton wipeToggle = new ToggleButton("Wipe");
        wipeToggle.setId("layoutWipe");
        side.setToggleGroup(layoutGroup);
        wipeToggle.setToggleGroup(layoutGroup);
        side.setSelected(true);
        wipeToggle.selectedProperty().bindBidirectional(vm.wipeModeProperty());
        layoutGroup.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null) {
                a.setSelected(true);
            }
        });
        HBox layout = new HBox(side, wipeToggle);
        layout.getStyleClass().add("segmented");
        ComboBox<Layer> left = new ComboBox<>();
        left.setId("wipeLeft");
        left.getItems().setAll(Layer.values());
        left.valueProperty().bindBidirectional(vm.wipeLeftProperty());
        ComboBox<Layer> right = new ComboBox<>();
        right.setId("wipeRight");
        right.getItems().setAll(Layer.values());
        right.valueProperty().bindBidirectional(vm.wipeRightProperty());
        HBox wipeRow = new HBox(6, left, Fields.styled("|", "hint"), right);
        wipeRow.setAlignment(Pos.CENTER_LEFT);
        wipeRow.visibleProperty().bind(vm.wipeModeProperty());
        wipeRow.managedProperty().bind(wipeRow.visibleProperty());

        VBox body = new VBox(10, open, drop, Fields.labelled("Fit to the model", fit, null, null), fitText, status,
                new Separator(), metrics, new Separator(), Fields.styled("STEPPER", "section-title"), stepRow,
                stepLabel, stepMetrics, error, tokens, new Separator(), Fields.styled("VIEW", "section-title"),
                layout, wipeRow, chart);
        body.getStyleClass().add("panel-body");
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.getStyleClass().add("panel");
        scroll.setPrefWidth(320);
        scroll.setMinWidth(300);
        return scroll;
    }

    private Node centre() {
        for (ImageCanvas c : List.of(original, stepper, hybrid, wipe)) {
            c.viewportProperty().set(viewport);
        }
        original.leftTagProperty().set("Original");
        hybrid.leftTagProperty().set("Hybrid");
        stepper.leftTagProperty().bind(Bindings.createStringBinding(() -> {
            String s = vm.stepLabelBinding().get();
            return s.isEmpty() ? "Stepper" : s.replace(" tokens)", ")");
        }, vm.stepLabelBinding()));
        HBox panels = new HBox(8, panel(original, null), panel(stepper, stepMetrics), panel(hybrid, hybridMetrics));
        panels.visibleProperty().bind(vm.wipeModeProperty().not());
        StackPane views = new StackPane(panels, wipe);
        wipe.visibleProperty().bind(vm.wipeModeProperty());
        VBox.setVgrow(views, Priority.ALWAYS);

        ImageView bar = new ImageView(FxImages.toFx(Metrics.colorbar(220, 10)));
        bar.setId("heatScaleBar");
        Label low = Fields.styled("0", "hint");
        Label high = Fields.styled("", "hint");
        high.setId("heatScaleMax");
        vm.resultProperty().addListener((o, a, r) -> high.setText(String.format(Locale.ROOT,
                "%.0f / 255 (mean of |Δ| over R, G, B)", vm.errorScaleMax() * 255)));
        HBox scale = new HBox(8, Fields.styled("Error", "field-label"), low, bar, high);
        scale.setAlignment(Pos.CENTER_LEFT);
        scale.visibleProperty().bind(vm.showErrorProperty().and(vm.resultProperty().isNotNull()));
        scale.managedProperty().bind(scale.visibleProperty());

        Label empty = Fields.styled("Open or drop an image: see what the tokenizer keeps at each scale,\n"
                + "and what the residual diffusion adds.", "hint");
        empty.setAlignment(Pos.CENTER);
        VBox emptyState = new VBox(10, Icon.RECONSTRUCT.node(), Fields.styled("Reconstruction viewer", "title"), empty);
        emptyState.getStyleClass().add("empty-state");
        emptyState.visibleProperty().bind(vm.resultProperty().isNull());
        views.getChildren().add(emptyState);
        VBox box = new VBox(10, views, scale);
        box.getStyleClass().add("stage-area");
        return box;
    }

    private VBox panel(ImageCanvas canvas, Label metrics) {
        VBox.setVgrow(canvas, Priority.ALWAYS);
        VBox v = new VBox(6, canvas);
        if (metrics != null) {
            v.getChildren().add(metrics);
        } else {
            Label info = Fields.styled("", "hint");
            info.textProperty().bind(Bindings.createStringBinding(() -> vm.metricsText(Layer.ORIGINAL),
                    vm.resultProperty()));
            v.getChildren().add(info);
        }
        HBox.setHgrow(v, Priority.ALWAYS);
        v.setMinWidth(100);
        v.setPrefWidth(100);
        return v;
    }

    private void refresh() {
        ReconstructionResult r = vm.resultProperty().get();
        boolean err = vm.showErrorProperty().get();
        original.imageProperty().set(FxImages.toFx(vm.image(Layer.ORIGINAL)));
        stepper.imageProperty().set(FxImages.toFx(err ? vm.stepErrorBinding().get() : vm.image(Layer.STEP)));
        hybrid.imageProperty().set(FxImages.toFx(err ? vm.errorImage(vm.error(Layer.HYBRID)) : vm.image(Layer.HYBRID)));
        RgbImage tokens = vm.tokenOverlayBinding().get();
        stepper.overlayProperty().set(FxImages.toFx(tokens));
        stepper.overlayOpacityProperty().set(0.55);
        stepper.gridCellsProperty().set(tokens == null ? 0 : tokens.width());
        stepMetrics.setText(vm.metricsText(Layer.STEP));
        hybridMetrics.setText(vm.metricsText(Layer.HYBRID));
        Layer a = vm.wipeLeftProperty().get();
        Layer b = vm.wipeRightProperty().get();
        wipe.imageProperty().set(FxImages.toFx(layerImage(a, err)));
        wipe.compareImageProperty().set(FxImages.toFx(layerImage(b, err)));
        wipe.leftTagProperty().set(a.toString());
        wipe.rightTagProperty().set(b.toString());
        chart.getData().clear();
        if (r != null) {
            XYChart.Series<String, Number> s = new XYChart.Series<>();
            vm.psnrCurve().forEach(p -> s.getData().add(new XYChart.Data<>(p.label(),
                    Double.isInfinite(p.psnr()) ? 99 : p.psnr())));
            chart.getData().add(s);
            int i = vm.stepProperty().get();
            if (i < s.getData().size() && s.getData().get(i).getNode() != null) {
                s.getData().get(i).getNode().setStyle("-fx-background-color: #e29a2d, white; -fx-padding: 6;");
            }
        }
    }

    private RgbImage layerImage(Layer layer, boolean error) {
        if (error && layer != Layer.ORIGINAL) {
            return vm.errorImage(vm.error(layer));
        }
        return vm.image(layer);
    }

    private void chooseImage() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open an image to reconstruct");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg",
                "*.bmp", "*.gif"));
        File f = chooser.showOpenDialog(getScene().getWindow());
        if (f != null) {
            vm.open(f.toPath());
        }
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
            if (!getStyleClass().contains("drop-target")) {
                getStyleClass().add("drop-target");
            }
            e.consume();
        }
    }

    private void dropped(DragEvent e) {
        getStyleClass().remove("drop-target");
        if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
            vm.open(e.getDragboard().getFiles().get(0).toPath());
            e.setDropCompleted(true);
            e.consume();
        }
    }

    private static ImageCanvas canvas(String id) {
        ImageCanvas c = new ImageCanvas();
        c.setId(id);
        return c;
    }

    private static Label metric(String id) {
        Label l = Fields.styled("–", "metric-value");
        l.setId(id);
        return l;
    }

    private static String db(double v) {
        return Double.isInfinite(v) ? "∞ dB" : String.format(Locale.ROOT, "%.2f dB", v);
    }
}

package dev.hartstudio.ui.create;

import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.FxImages;
import dev.hartstudio.ui.common.Icon;
import dev.hartstudio.ui.common.ImageCanvas;
import dev.hartstudio.ui.common.Viewport;
import dev.hartstudio.ui.queue.GenerationJob;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import java.util.List;
import javafx.scene.layout.VBox;

/**
 * The centre of the create view: caption and view controls, the zoomable canvas, progress with
 * time left, the timeline of stages and the per-stage time chart.
 */
public final class PreviewPane extends VBox {

    private final ImageCanvas canvas = new ImageCanvas();
    private final Viewport viewport = new Viewport();
    private final StageTimeChart chart = new StageTimeChart();
    private final TimelineStrip timeline;

    public PreviewPane(CreateViewModel vm, MenuButton exportMenu) {
        getStyleClass().add("stage-area");
        setId("previewPane");
        canvas.setId("previewCanvas");
        canvas.viewportProperty().set(viewport);
        canvas.imageProperty().bind(Bindings.createObjectBinding(
                () -> FxImages.toFx(vm.displayedImageBinding().get()), vm.displayedImageBinding()));
        canvas.placeholderProperty().bind(Bindings.createStringBinding(() -> vm.getShownJob() == null
                ? "Write a prompt and press Generate (Ctrl+Enter). Scales stream in here, coarse to fine."
                : "Encoding the prompt…", vm.shownJobProperty()));
        VBox.setVgrow(canvas, Priority.ALWAYS);

        Label caption = new Label();
        caption.setId("caption");
        caption.getStyleClass().add("caption");
        caption.textProperty().bind(vm.captionBinding());

        ToggleGroup views = new ToggleGroup();
        HBox viewToggle = new HBox();
        viewToggle.getStyleClass().add("segmented");
        viewToggle.setId("finalViewToggle");
        for (CreateViewModel.FinalView v : CreateViewModel.FinalView.values()) {
            ToggleButton t = new ToggleButton(v.shortLabel());
            t.setId("view" + v.name());
            t.setToggleGroup(views);
            t.setUserData(v);
            t.setSelected(vm.finalViewProperty().get() == v);
            t.setOnAction(e -> vm.selectedStageProperty().set(CreateViewModel.FINAL));
            viewToggle.getChildren().add(t);
        }
        vm.finalViewProperty().addListener((o, a, v) -> views.getToggles().stream()
                .filter(t -> t.getUserData() == v).findFirst().ifPresent(t -> t.setSelected(true)));
        views.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null) {
                a.setSelected(true);
            } else if (vm.finalViewProperty().get() != t.getUserData()) {
                vm.finalViewProperty().set((CreateViewModel.FinalView) t.getUserData());
                vm.selectedStageProperty().set(CreateViewModel.FINAL);
            }
        });
        viewToggle.disableProperty().bind(vm.finishedBinding().not());

        Button branch = Fields.button(Icon.BRANCH, "Branch", () -> vm.branchFrom(vm.selectedStageProperty().get()));
        branch.setId("branch");
        branch.setTooltip(new Tooltip("Branch from this scale: keep scales 1..k, resample the rest with a new seed"));
        branch.disableProperty().bind(Bindings.createBooleanBinding(
                () -> !vm.canBranchFrom(vm.selectedStageProperty().get()), vm.selectedStageProperty(), vm.jobTick()));

        ToggleButton exact = new ToggleButton(null, Icon.PIXEL_EXACT.node());
        exact.setId("pixelExact");
        exact.getStyleClass().add("flat");
        exact.setTooltip(new Tooltip("Pixel-exact: nearest neighbour, whole pixels"));
        exact.selectedProperty().bindBidirectional(viewport.pixelExactProperty());
        Button zoomIn = Fields.iconButton(Icon.ZOOM_IN, "Zoom in (or scroll)", () -> viewport.zoomBy(1.25,
                viewport.centerXProperty().get(), viewport.centerYProperty().get()));
        Button zoomOut = Fields.iconButton(Icon.ZOOM_OUT, "Zoom out", () -> viewport.zoomBy(0.8,
                viewport.centerXProperty().get(), viewport.centerYProperty().get()));
        Button fit = Fields.iconButton(Icon.FIT, "Fit (double-click)", viewport::fit);
        Button actual = new Button("1:1");
        actual.getStyleClass().add("flat");
        actual.setTooltip(new Tooltip("One image pixel per screen pixel"));
        actual.setOnAction(e -> canvas.actualSize());
        caption.setMinWidth(0);
        HBox.setHgrow(caption, Priority.SOMETIMES);
        HBox toolbar = new HBox(6, caption, Fields.spacer(), branch, viewToggle);
        if (exportMenu != null) {
            toolbar.getChildren().add(exportMenu);
        }
        toolbar.getStyleClass().add("canvas-toolbar");
        for (javafx.scene.Node n : List.of(branch, viewToggle)) {
            ((javafx.scene.layout.Region) n).setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        HBox zoomBar = new HBox(2, zoomOut, zoomIn, fit, actual, exact);
        zoomBar.getStyleClass().add("overlay-bar");
        zoomBar.setMaxSize(javafx.scene.layout.Region.USE_PREF_SIZE, javafx.scene.layout.Region.USE_PREF_SIZE);
        StackPane.setAlignment(zoomBar, Pos.BOTTOM_RIGHT);
        StackPane.setMargin(zoomBar, new javafx.geometry.Insets(10));
        StackPane canvasStack = new StackPane(canvas, zoomBar);
        VBox.setVgrow(canvasStack, Priority.ALWAYS);

        ProgressBar progress = new ProgressBar(0);
        progress.setId("progress");
        progress.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(progress, Priority.ALWAYS);
        Label status = new Label();
        status.setId("progressText");
        status.setMinWidth(220);
        vm.shownJobProperty().addListener((o, old, job) -> bindProgress(job, progress, status));
        bindProgress(vm.getShownJob(), progress, status);
        HBox progressRow = new HBox(10, progress, status);
        progressRow.setAlignment(Pos.CENTER_LEFT);

        timeline = new TimelineStrip(vm);
        chart.setId("stageChart");
        vm.jobTick().addListener(o -> chart.setTimes(vm.stageTimes()));
        vm.shownJobProperty().addListener(o -> chart.setTimes(vm.stageTimes()));
        getChildren().addAll(toolbar, canvasStack, progressRow, timeline, chart);
    }

    private static void bindProgress(GenerationJob job, ProgressBar progress, Label status) {
        progress.progressProperty().unbind();
        status.textProperty().unbind();
        if (job == null) {
            progress.setProgress(0);
            status.setText("Idle");
            return;
        }
        progress.progressProperty().bind(job.progressProperty());
        status.textProperty().bind(job.statusTextProperty());
    }

    public ImageCanvas canvas() {
        return canvas;
    }

    public TimelineStrip timeline() {
        return timeline;
    }

    public StageTimeChart chart() {
        return chart;
    }
}

package dev.hartstudio.ui.create;

import dev.hartstudio.engine.generate.GenerationResult;
import dev.hartstudio.ui.common.FxImages;
import dev.hartstudio.ui.common.Icon;
import dev.hartstudio.ui.queue.GenerationJob;
import dev.hartstudio.ui.queue.Stage;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The timeline under the canvas: one thumbnail per stage (scales 1..K, then diffusion steps, then
 * the final image), empty slots for stages still to come. Click shows a stage; the context menu of
 * a scale offers "Branch from this scale".
 */
public final class TimelineStrip extends ScrollPane {

    static final double THUMB_MAX = 56;
    static final double THUMB_MIN = 20;
    private static final double CELL_EXTRA = 16;

    private final CreateViewModel vm;
    private final HBox row = new HBox();
    private final List<VBox> cells = new ArrayList<>();
    private final javafx.beans.property.DoubleProperty thumb =
            new javafx.beans.property.SimpleDoubleProperty(this, "thumb", THUMB_MAX);

    public TimelineStrip(CreateViewModel vm) {
        this.vm = vm;
        setId("timeline");
        getStyleClass().add("timeline-scroll");
        row.getStyleClass().add("timeline");
        setContent(row);
        setVbarPolicy(ScrollBarPolicy.NEVER);
        setHbarPolicy(ScrollBarPolicy.AS_NEEDED);
        setFitToHeight(true);
        setMinHeight(THUMB_MAX + 40);
        setPrefHeight(THUMB_MAX + 40);
        widthProperty().addListener(o -> resize());
        vm.jobTick().addListener(o -> rebuild());
        vm.shownJobProperty().addListener(o -> rebuild());
        vm.selectedStageProperty().addListener(o -> restyle());
        rebuild();
    }

    /** The number of stages with a thumbnail (for tests). */
    public long filledCount() {
        return cells.stream().filter(c -> !c.getStyleClass().contains("pending")).count();
    }

    private void rebuild() {
        GenerationJob job = vm.getShownJob();
        List<Stage> stages = job == null ? List.of() : List.copyOf(job.stages());
        int expected = expectedStages(job);
        // Reuse existing cells so a running generation only appends.
        while (cells.size() > Math.max(expected, stages.size()) + 1) {
            cells.remove(cells.size() - 1);
        }
        List<VBox> next = new ArrayList<>();
        for (int i = 0; i < Math.max(expected, stages.size()); i++) {
            Stage s = i < stages.size() ? stages.get(i) : null;
            next.add(stageCell(i, s, job, stages));
        }
        if (job != null) {
            next.add(finalCell(job));
        }
        cells.clear();
        cells.addAll(next);
        row.getChildren().setAll(next);
        resize();
        restyle();
        if (job != null && !stages.isEmpty()) {
            double target = job.getResult() != null ? getHmax()
                    : getHmax() * stages.size() / Math.max(1.0, next.size());
            javafx.application.Platform.runLater(() -> setHvalue(target));
        }
    }

    /** Thumbnails shrink (down to {@link #THUMB_MIN}) so that every stage fits when it can. */
    private void resize() {
        int n = Math.max(1, cells.size());
        double free = getWidth() - 8 - (n - 1) * row.getSpacing();
        double side = Math.floor(free / n - CELL_EXTRA);
        thumb.set(Math.max(THUMB_MIN, Math.min(THUMB_MAX, side)));
    }

    private int expectedStages(GenerationJob job) {
        if (job == null || job.model() == null) {
            return 0;
        }
        GenerationResult r = job.getResult();
        if (r != null || job.getState().finished()) {
            return job.stages().size();
        }
        return job.model().scales() + (job.request().discreteOnly() ? 0 : job.model().diffusionSteps());
    }

    private VBox stageCell(int index, Stage s, GenerationJob job, List<Stage> stages) {
        ImageView view = new ImageView();
        view.fitWidthProperty().bind(thumb);
        view.fitHeightProperty().bind(thumb);
        view.setPreserveRatio(true);
        view.setSmooth(false);
        StackPane frame = new StackPane(view);
        frame.getStyleClass().add("thumb-frame");
        frame.minWidthProperty().bind(thumb);
        frame.minHeightProperty().bind(thumb);
        frame.prefWidthProperty().bind(thumb);
        frame.prefHeightProperty().bind(thumb);
        Label label = new Label();
        VBox cell = new VBox(frame, label);
        cell.getStyleClass().add("stage-thumb");
        cell.setAlignment(Pos.CENTER);
        if (s == null) {
            cell.getStyleClass().add("pending");
            int k = job.model().scales();
            label.setText(index < k ? "s" + (index + 1) : "d" + (index - k + 1));
            return cell;
        }
        cell.getStyleClass().add(s.kind() == Stage.Kind.SCALE ? "scale" : "diffusion");
        view.setImage(FxImages.toFx(s.preview()));
        if (s.preview() == null) {
            frame.getChildren().add(new Label("—"));
        }
        label.setText(s.shortLabel());
        Tooltip.install(cell, new Tooltip(s.label() + String.format(java.util.Locale.ROOT, " · %.1f ms",
                s.nanos() / 1e6)));
        cell.setUserData(index);
        cell.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY) {
                vm.selectedStageProperty().set(index);
            }
        });
        if (vm.canBranchFrom(index)) {
            MenuItem branch = new MenuItem("Branch from this scale (keep scales 1–" + (s.index() + 1)
                    + ", new seed)", Icon.BRANCH.node());
            branch.setOnAction(e -> vm.branchFrom(index));
            MenuItem show = new MenuItem("Show this stage");
            show.setOnAction(e -> vm.selectedStageProperty().set(index));
            ContextMenu menu = new ContextMenu(show, branch);
            cell.setOnContextMenuRequested(e -> menu.show(cell, e.getScreenX(), e.getScreenY()));
        }
        return cell;
    }

    private VBox finalCell(GenerationJob job) {
        ImageView view = new ImageView();
        view.fitWidthProperty().bind(thumb);
        view.fitHeightProperty().bind(thumb);
        view.setPreserveRatio(true);
        StackPane frame = new StackPane(view);
        frame.minWidthProperty().bind(thumb);
        frame.minHeightProperty().bind(thumb);
        frame.getStyleClass().add("thumb-frame");
        Label label = new Label("final");
        VBox cell = new VBox(frame, label);
        cell.getStyleClass().addAll("stage-thumb", "final");
        cell.setAlignment(Pos.CENTER);
        GenerationResult r = job.getResult();
        if (r == null) {
            cell.getStyleClass().add("pending");
        } else {
            view.setImage(FxImages.toFx(r.images().get(0)));
            label.setText(r.complete() ? "final" : "stopped");
            cell.setOnMouseClicked(e -> vm.selectedStageProperty().set(CreateViewModel.FINAL));
        }
        cell.setUserData(CreateViewModel.FINAL);
        return cell;
    }

    private void restyle() {
        int selected = vm.selectedStageProperty().get();
        GenerationJob job = vm.getShownJob();
        boolean live = job != null && job.getResult() == null;
        for (VBox c : cells) {
            Object data = c.getUserData();
            boolean on = data != null && (int) data == selected && !(live && selected == CreateViewModel.FINAL);
            c.getStyleClass().remove("selected");
            if (on) {
                c.getStyleClass().add("selected");
            }
        }
    }
}

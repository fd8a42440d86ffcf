package dev.hartstudio.ui.queue;

import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The queue page: a planner for prompt variations × seed ranges, and the job table. */
public final class QueueView extends BorderPane {

    private final QueueViewModel vm;

    public QueueView(QueueViewModel vm) {
        this.vm = vm;
        setId("queuePage");
        setLeft(planner());
        setCenter(table());
    }

    private VBox planner() {
        TextArea prompts = new TextArea();
        prompts.setId("queuePrompts");
        prompts.setPromptText("One prompt per line.\nEmpty: the Create panel's prompt.");
        prompts.setPrefRowCount(7);
        prompts.setWrapText(true);
        prompts.textProperty().bindBidirectional(vm.promptsProperty());
        TextField from = new TextField();
        from.setId("queueSeedFrom");
        from.setPrefColumnCount(8);
        from.textProperty().bindBidirectional(vm.seedFromProperty());
        TextField to = new TextField();
        to.setId("queueSeedTo");
        to.setPrefColumnCount(8);
        to.textProperty().bindBidirectional(vm.seedToProperty());
        HBox seeds = new HBox(6, from, Fields.styled("to", "hint"), to);
        seeds.setId("queueSeeds");
        seeds.setAlignment(Pos.CENTER_LEFT);
        Button add = new Button(null, Icon.ENQUEUE.node());
        add.setId("queueAdd");
        add.getStyleClass().add("primary");
        add.setMaxWidth(Double.MAX_VALUE);
        add.textProperty().bind(Bindings.createStringBinding(() -> {
            int n = vm.plannedBinding().get();
            return n > QueueViewModel.MAX_PLANNED ? n + " jobs: at most " + QueueViewModel.MAX_PLANNED
                    : "Add " + n + (n == 1 ? " job" : " jobs") + " to the queue";
        }, vm.plannedBinding()));
        add.disableProperty().bind(vm.canEnqueueBinding().not());
        add.setOnAction(e -> vm.enqueuePlan());
        Label note = Fields.styled("Other parameters (CFG, top-k, top-p, smoothing, diffusion, preview) come from "
                + "the Create panel.", "hint");
        note.setWrapText(true);
        VBox box = new VBox(12, Fields.styled("PLAN A BATCH", "section-title"),
                Fields.labelled("Prompt variations", prompts, null, null),
                Fields.labelled("Seed range", seeds, vm.seedErrorBinding(), "Each prompt runs with every seed"),
                add, note);
        box.getStyleClass().addAll("panel", "panel-body");
        box.setPrefWidth(320);
        box.setMinWidth(280);
        return box;
    }

    private VBox table() {
        TableView<GenerationJob> table = new TableView<>(vm.queue().jobs());
        table.setId("queueTable");
        table.setPlaceholder(Fields.styled("Nothing queued. Generate from the Create page or plan a batch here.",
                "hint"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<GenerationJob, String> pos = new TableColumn<>("#");
        pos.setCellValueFactory(c -> Bindings.createStringBinding(() -> {
            GenerationJob j = c.getValue();
            return j.positionProperty().get() > 0 ? String.valueOf(j.positionProperty().get())
                    : j.getState() == GenerationJob.State.RUNNING ? "▶" : "";
        }, c.getValue().positionProperty(), c.getValue().stateProperty()));
        pos.setPrefWidth(40);
        pos.setMaxWidth(50);
        TableColumn<GenerationJob, String> prompt = new TableColumn<>("Prompt");
        prompt.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().label()));
        prompt.setPrefWidth(320);
        TableColumn<GenerationJob, String> seed = new TableColumn<>("Seed");
        seed.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(String.valueOf(c.getValue().seed())));
        seed.setPrefWidth(90);
        TableColumn<GenerationJob, Number> progress = new TableColumn<>("Progress");
        progress.setCellValueFactory(c -> c.getValue().progressProperty());
        progress.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();

            @Override
            protected void updateItem(Number v, boolean empty) {
                super.updateItem(v, empty);
                bar.setMaxWidth(Double.MAX_VALUE);
                bar.setProgress(v == null ? 0 : v.doubleValue());
                setGraphic(empty ? null : bar);
            }
        });
        progress.setPrefWidth(140);
        TableColumn<GenerationJob, String> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> c.getValue().statusTextProperty());
        status.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                getStyleClass().removeIf(s -> s.startsWith("state-"));
                setText(empty ? null : v);
                if (!empty && getTableRow() != null && getTableRow().getItem() != null) {
                    getStyleClass().add("state-" + getTableRow().getItem().getState());
                }
            }
        });
        status.setPrefWidth(200);
        TableColumn<GenerationJob, GenerationJob> actions = new TableColumn<>("");
        actions.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        actions.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(GenerationJob job, boolean empty) {
                super.updateItem(job, empty);
                if (empty || job == null) {
                    setGraphic(null);
                    return;
                }
                Button up = action(Icon.UP, "Run earlier", job, vm::moveUp);
                Button down = action(Icon.DOWN, "Run later", job, vm::moveDown);
                Button cancel = action(Icon.CLOSE, "Cancel", job, vm::cancel);
                up.disableProperty().bind(job.stateProperty().isNotEqualTo(GenerationJob.State.WAITING));
                down.disableProperty().bind(up.disableProperty());
                cancel.disableProperty().bind(Bindings.createBooleanBinding(() -> job.getState().finished(),
                        job.stateProperty()));
                setGraphic(new HBox(2, up, down, cancel));
            }
        });
        actions.setPrefWidth(110);
        actions.setMinWidth(110);
        table.getColumns().setAll(java.util.List.of(pos, prompt, seed, progress, status, actions));
        VBox.setVgrow(table, Priority.ALWAYS);

        Label total = new Label();
        total.setId("queueEta");
        total.getStyleClass().add("caption");
        total.textProperty().bind(Bindings.createStringBinding(() -> {
            int waiting = vm.queue().waitingProperty().get();
            double left = vm.queue().secondsLeftBinding().get();
            boolean busy = vm.queue().getRunning() != null;
            if (!busy && waiting == 0) {
                return "Queue idle";
            }
            return (busy ? "1 running" : "0 running") + " · " + waiting + " waiting"
                    + (left >= 0 ? " · about " + GenerationJob.formatSeconds(left) + " left" : "");
        }, vm.queue().waitingProperty(), vm.queue().secondsLeftBinding(), vm.queue().runningProperty()));
        Button cancelAll = Fields.button(Icon.REMOVE_ALL, "Cancel all", vm::cancelAll);
        cancelAll.setId("queueCancelAll");
        Button clear = Fields.button(Icon.DELETE, "Clear finished", vm::clearFinished);
        clear.setId("queueClear");
        HBox bar = new HBox(8, total, Fields.spacer(), cancelAll, clear);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(10, bar, table);
        box.getStyleClass().add("stage-area");
        return box;
    }

    private static Button action(Icon icon, String tip, GenerationJob job, Consumer<GenerationJob> command) {
        return Fields.iconButton(icon, tip, () -> command.accept(job));
    }
}

package dev.hartstudio.ui.history;

import dev.hartstudio.persistence.history.HistoryEntry;
import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The history panel: search, the list of past generations and their actions. */
public final class HistoryView extends VBox {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH);

    private final HistoryViewModel vm;

    public HistoryView(HistoryViewModel vm) {
        this.vm = vm;
        getStyleClass().addAll("panel", "right");
        setMinWidth(240);
        setPrefWidth(300);
        Label title = Fields.styled("HISTORY", "section-title");
        TextField search = new TextField();
        search.setId("historySearch");
        search.setPromptText("Search prompt, seed, model…");
        search.textProperty().bindBidirectional(vm.searchProperty());

        ListView<HistoryEntry> list = new ListView<>(vm.visibleEntries());
        list.setId("historyList");
        list.setCellFactory(l -> new EntryCell());
        list.setPlaceholder(Fields.styled("Finished images appear here.\nThey stay after a restart.", "hint"));
        VBox.setVgrow(list, Priority.ALWAYS);
        vm.selectedProperty().bind(list.getSelectionModel().selectedItemProperty());
        list.setOnMouseClicked(e -> {
            HistoryEntry sel = list.getSelectionModel().getSelectedItem();
            if (sel != null && e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                vm.open(sel);
            }
        });
        list.setContextMenu(menu());

        HBox actions = new HBox(2,
                action("historyRerun", Icon.RERUN, "Re-run with the same seed", vm::rerun),
                action("historyRecall", Icon.RECALL, "Recall all parameters", vm::recallAll),
                action("historyRecallButSeed", Icon.DICE, "Recall all but the seed", vm::recallAllButSeed),
                action("historyOpen", Icon.IMAGE, "Open on the canvas", vm::open),
                Fields.spacer(),
                action("historyDelete", Icon.DELETE, "Remove from history (the PNG stays)", vm::delete));
        actions.setAlignment(Pos.CENTER_LEFT);
        Label notice = new Label();
        notice.setId("historyNotice");
        notice.getStyleClass().add("history-notice");
        notice.setWrapText(true);
        notice.textProperty().bind(vm.noticeProperty());
        notice.visibleProperty().bind(vm.noticeProperty().isNotEmpty());
        notice.managedProperty().bind(notice.visibleProperty());
        notice.setTooltip(new Tooltip("Click to hide this notice"));
        notice.setOnMouseClicked(e -> vm.dismissNotice());
        VBox top = new VBox(8, title, notice, search);
        top.setStyle("-fx-padding: 14 14 6 14;");
        actions.setStyle("-fx-padding: 6 10 10 10;");
        getChildren().addAll(top, list, actions);
    }

    private Button action(String id, Icon icon, String tip, Consumer<HistoryEntry> command) {
        Button b = Fields.iconButton(icon, tip, () -> {
            HistoryEntry e = vm.selectedProperty().get();
            if (e != null) {
                command.accept(e);
            }
        });
        b.setId(id);
        b.disableProperty().bind(Bindings.isNull(vm.selectedProperty()));
        return b;
    }

    private ContextMenu menu() {
        MenuItem rerun = item("Re-run", Icon.RERUN, vm::rerun);
        MenuItem recall = item("Recall all", Icon.RECALL, vm::recallAll);
        MenuItem recallButSeed = item("Recall all but seed", Icon.DICE, vm::recallAllButSeed);
        MenuItem open = item("Open", Icon.IMAGE, vm::open);
        MenuItem delete = item("Delete from history", Icon.DELETE, vm::delete);
        Menu branch = new Menu("Branch from scale", Icon.BRANCH.node());
        ContextMenu menu = new ContextMenu(rerun, recall, recallButSeed, open, branch, new SeparatorMenuItem(), delete);
        // one item per scale that can be kept, filled when the menu opens (the model may have changed)
        menu.setOnShowing(e -> {
            branch.getItems().clear();
            HistoryEntry sel = vm.selectedProperty().get();
            int scales = vm.scalesOfLoadedModel();
            for (int keep = 1; sel != null && keep < scales; keep++) {
                int k = keep;
                MenuItem it = new MenuItem("Keep scales 1–" + k + ", new seed");
                it.setDisable(vm.whyNotBranch(sel, k).isPresent());
                it.setOnAction(a -> vm.branchFrom(sel, k));
                branch.getItems().add(it);
            }
            branch.setDisable(branch.getItems().stream().allMatch(MenuItem::isDisable));
        });
        return menu;
    }

    private MenuItem item(String text, Icon icon, Consumer<HistoryEntry> command) {
        MenuItem m = new MenuItem(text, icon.node());
        m.setOnAction(e -> {
            HistoryEntry sel = vm.selectedProperty().get();
            if (sel != null) {
                command.accept(sel);
            }
        });
        return m;
    }

    private final class EntryCell extends ListCell<HistoryEntry> {
        private final ImageView thumb = new ImageView();
        private final Label prompt = new Label();
        private final Label meta = new Label();
        private final HBox box;

        EntryCell() {
            thumb.setFitWidth(48);
            thumb.setFitHeight(48);
            thumb.setPreserveRatio(true);
            thumb.getStyleClass().add("thumb");
            prompt.getStyleClass().add("history-prompt");
            meta.getStyleClass().add("history-meta");
            VBox text = new VBox(2, prompt, meta);
            text.setMinWidth(0);
            HBox.setHgrow(text, Priority.ALWAYS);
            box = new HBox(10, thumb, text);
            box.setAlignment(Pos.CENTER_LEFT);
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(HistoryEntry e, boolean empty) {
            super.updateItem(e, empty);
            if (empty || e == null) {
                setGraphic(null);
                return;
            }
            prompt.setText(e.prompt().isBlank() ? "(empty prompt)" : e.prompt());
            String time = TIME.format(Instant.ofEpochMilli(e.createdAt()).atZone(ZoneId.systemDefault()));
            String state = e.complete() ? String.format(Locale.ROOT, "%.1f s", e.timings().totalMs() / 1000)
                    : "stopped at s" + (e.stoppedAtScale() + 1);
            meta.setText("seed " + e.seed() + " · " + state + " · " + time
                    + (e.branchFromScale() > 0 ? " · branch" : ""));
            thumb.setImage(vm.thumbnail(e).map(p -> new Image(p.toUri().toString(), 48, 48, true, true, true))
                    .orElse(null));
            setGraphic(box);
        }
    }
}

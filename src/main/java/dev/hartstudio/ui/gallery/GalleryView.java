package dev.hartstudio.ui.gallery;

import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.controlsfx.control.GridCell;
import org.controlsfx.control.GridView;

/** The gallery page: the output folder as a grid of thumbnails with search and file actions. */
public final class GalleryView extends VBox {

    private static final double CELL = 172;

    private final GalleryViewModel vm;
    // Thumbnails by file and modification time, so a refresh of the folder does not decode again.
    private final java.util.Map<String, Image> thumbnails = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Image> eldest) {
            return size() > 400;
        }
    };

    public GalleryView(GalleryViewModel vm) {
        this.vm = vm;
        setId("galleryPage");
        getStyleClass().add("stage-area");
        TextField search = new TextField();
        search.setId("gallerySearch");
        search.setPromptText("Search by prompt, seed or file name…");
        search.setPrefColumnCount(30);
        search.textProperty().bindBidirectional(vm.searchProperty());
        Label folder = Fields.styled("", "hint");
        folder.setId("galleryFolder");
        Label count = Fields.styled("", "hint");
        count.textProperty().bind(Bindings.size(vm.visibleItems()).asString("%d images"));
        Button refresh = Fields.iconButton(Icon.REFRESH, "Read the folder again", vm::refresh);
        refresh.setId("galleryRefresh");
        HBox top = new HBox(10, search, count, Fields.spacer(), folder, refresh);
        top.setAlignment(Pos.CENTER_LEFT);

        GridView<GalleryItem> grid = new GridView<>(vm.visibleItems());
        grid.setId("galleryGrid");
        grid.setCellWidth(CELL);
        grid.setCellHeight(CELL + 44);
        grid.setHorizontalCellSpacing(10);
        grid.setVerticalCellSpacing(10);
        grid.setCellFactory(g -> new ItemCell());
        VBox.setVgrow(grid, Priority.ALWAYS);

        HBox actions = new HBox(6,
                action("galleryShow", Icon.IMAGE, "Show on canvas", vm::show),
                action("galleryOpen", Icon.OPEN, "Open", vm::open),
                action("galleryReveal", Icon.REVEAL, "Show in folder", vm::reveal),
                action("galleryCopy", Icon.CLIPBOARD, "Copy image", this::copy),
                action("galleryRecall", Icon.RECALL, "Recall all", i -> vm.recall(i, true)),
                action("galleryRecallButSeed", Icon.DICE, "Recall all but seed", i -> vm.recall(i, false)),
                Fields.spacer(),
                action("galleryDelete", Icon.DELETE, "Delete", this::delete));
        actions.setAlignment(Pos.CENTER_LEFT);
        Label empty = Fields.styled("No images yet. Finished generations are saved here as PNG with their "
                + "parameters.", "hint");
        empty.visibleProperty().bind(Bindings.isEmpty(vm.visibleItems()));
        StackPane centre = new StackPane(grid, empty);
        VBox.setVgrow(centre, Priority.ALWAYS);
        getChildren().addAll(top, centre, actions);
        sceneProperty().addListener((o, a, s) -> {
            if (s != null) {
                folder.setText(String.valueOf(vm.folder()));
            }
        });
    }

    private Button action(String id, Icon icon, String text, Consumer<GalleryItem> command) {
        Button b = Fields.button(icon, text, () -> {
            GalleryItem item = vm.selectedProperty().get();
            if (item != null) {
                command.accept(item);
            }
        });
        b.setId(id);
        b.disableProperty().bind(vm.selectedProperty().isNull());
        return b;
    }

    private Image thumbnail(GalleryItem item) {
        return thumbnails.computeIfAbsent(item.file() + "@" + item.modified(),
                k -> new Image(item.file().toUri().toString(), CELL - 14, CELL - 14, true, true, false));
    }

    private void copy(GalleryItem item) {
        ClipboardContent c = new ClipboardContent();
        c.putImage(new Image(item.file().toUri().toString()));
        c.putFiles(java.util.List.of(item.file().toFile()));
        Clipboard.getSystemClipboard().setContent(c);
    }

    private void delete(GalleryItem item) {
        if (vm.canTrash()) {
            vm.delete(item, false);
            return;
        }
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "This system has no trash for Java applications. Delete "
                + item.file().getFileName() + " for good?", ButtonType.OK, ButtonType.CANCEL);
        a.initOwner(getScene().getWindow());
        a.setHeaderText("Delete permanently?");
        a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.delete(item, true));
    }

    private final class ItemCell extends GridCell<GalleryItem> {
        private final ImageView view = new ImageView();
        private final Label title = new Label();
        private final Label meta = new Label();
        private final VBox box;

        ItemCell() {
            view.setFitWidth(CELL - 14);
            view.setFitHeight(CELL - 14);
            view.setPreserveRatio(true);
            title.setMaxWidth(CELL - 14);
            StackPane frame = new StackPane(view);
            frame.setPrefSize(CELL - 14, CELL - 14);
            meta.getStyleClass().add("history-meta");
            box = new VBox(frame, title, meta);
            box.getStyleClass().add("gallery-cell");
            setOnMouseClicked(e -> {
                if (getItem() == null) {
                    return;
                }
                vm.selectedProperty().set(getItem());
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                    vm.show(getItem());
                }
            });
            vm.selectedProperty().addListener((o, a, s) -> restyle());
            MenuItem show = new MenuItem("Show on canvas", Icon.IMAGE.node());
            show.setOnAction(e -> vm.show(getItem()));
            MenuItem open = new MenuItem("Open", Icon.OPEN.node());
            open.setOnAction(e -> vm.open(getItem()));
            MenuItem reveal = new MenuItem("Show in folder", Icon.REVEAL.node());
            reveal.setOnAction(e -> vm.reveal(getItem()));
            MenuItem copy = new MenuItem("Copy image", Icon.CLIPBOARD.node());
            copy.setOnAction(e -> copy(getItem()));
            MenuItem recall = new MenuItem("Recall all", Icon.RECALL.node());
            recall.setOnAction(e -> vm.recall(getItem(), true));
            MenuItem recallButSeed = new MenuItem("Recall all but seed", Icon.DICE.node());
            recallButSeed.setOnAction(e -> vm.recall(getItem(), false));
            MenuItem delete = new MenuItem(vm.canTrash() ? "Move to trash" : "Delete…", Icon.DELETE.node());
            delete.setOnAction(e -> delete(getItem()));
            setContextMenu(new ContextMenu(show, open, reveal, copy, recall, recallButSeed, new SeparatorMenuItem(),
                    delete));
        }

        @Override
        protected void updateItem(GalleryItem item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            view.setImage(thumbnail(item));
            title.setText(item.title());
            meta.setText(item.parameters() == null ? "no parameters"
                    : item.parameters().seed() == null ? "" : "seed " + item.parameters().seed());
            Tooltip.install(box, new Tooltip(item.title() + "\n" + item.file().getFileName()
                    + (item.parameters() != null && item.parameters().seed() != null
                    ? "\nseed " + item.parameters().seed() : "")));
            setGraphic(box);
            restyle();
        }

        private void restyle() {
            box.getStyleClass().remove("selected");
            if (getItem() != null && getItem().equals(vm.selectedProperty().get())) {
                box.getStyleClass().add("selected");
            }
        }
    }
}

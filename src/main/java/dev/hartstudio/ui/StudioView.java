package dev.hartstudio.ui;

import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.ui.about.AboutDialog;
import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import dev.hartstudio.ui.common.MessageBanner;
import dev.hartstudio.ui.create.ParametersView;
import dev.hartstudio.ui.create.PreviewPane;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.ModelInfo;
import dev.hartstudio.ui.history.HistoryView;
import dev.hartstudio.ui.queue.QueueView;
import dev.hartstudio.ui.gallery.GalleryView;
import dev.hartstudio.ui.reconstruct.ReconstructView;
import dev.hartstudio.ui.settings.SettingsDialog;
import dev.hartstudio.ui.welcome.WelcomeView;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.Region;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** The main window's content: app bar with navigation, the pages, the message banner, the status bar. */
public final class StudioView extends BorderPane {

    /** The pages of the app bar. */
    public enum Page {
        CREATE("Create", Icon.CREATE), RECONSTRUCT("Reconstruct", Icon.RECONSTRUCT), QUEUE("Queue", Icon.QUEUE),
        GALLERY("Gallery", Icon.GALLERY);

        final String title;
        final Icon icon;

        Page(String title, Icon icon) {
            this.title = title;
            this.icon = icon;
        }
    }

    private static final String CSS = "studio.css";

    private final StudioViewModel vm;
    private final Map<Page, Node> pages = new EnumMap<>(Page.class);
    private final Map<Page, ToggleButton> navButtons = new EnumMap<>(Page.class);
    private final StackPane content = new StackPane();
    private final PreviewPane preview;
    private final Timeline memoryTimer;

    public StudioView(StudioViewModel vm) {
        this.vm = vm;
        getStyleClass().add("studio");
        MenuButton export = exportMenu();
        preview = new PreviewPane(vm.create(), export);
        ParametersView params = new ParametersView(vm.create(), vm.promptCheck(), vm.picker());
        HistoryView history = new HistoryView(vm.history());
        SplitPane create = new SplitPane(params, new VBox(metadataBar(), grow(centre(preview))), history);
        create.setOrientation(Orientation.HORIZONTAL);
        create.setDividerPositions(0.24, 0.78);
        SplitPane.setResizableWithParent(params, false);
        SplitPane.setResizableWithParent(history, false);
        create.setId("createPage");
        create.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER && e.isShortcutDown()) {
                vm.create().generate();
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE && vm.create().runningBinding().get()) {
                vm.create().cancel();
                e.consume();
            }
        });
        pages.put(Page.CREATE, create);
        pages.put(Page.RECONSTRUCT, new ReconstructView(vm.reconstruct()));
        pages.put(Page.QUEUE, new QueueView(vm.queuePage()));
        pages.put(Page.GALLERY, new GalleryView(vm.gallery()));
        for (Page p : Page.values()) {
            pages.putIfAbsent(p, placeholder(p));
        }
        setTop(new VBox(appBar(), new MessageBanner(vm.errors()), new WelcomeView(vm.welcome())));
        setCenter(content);
        setBottom(statusBar());
        show(Page.CREATE);
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
                e.consume();
            }
        });
        setOnDragDropped(e -> {
            if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
                dropped(e.getDragboard().getFiles().get(0).toPath());
                e.setDropCompleted(true);
                e.consume();
            }
        });
        memoryTimer = new Timeline(new KeyFrame(Duration.seconds(2), e -> vm.status().refreshMemory()));
        memoryTimer.setCycleCount(Timeline.INDEFINITE);
        memoryTimer.play();
    }

    /**
     * A file dropped on the window: on the reconstruction page, or when it is not a PNG, it is
     * reconstructed; elsewhere a PNG restores its parameters (offered on the create page for recall).
     */
    public void dropped(java.nio.file.Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".png") && !navButtons.get(Page.RECONSTRUCT).isSelected()) {
            show(Page.CREATE);
            vm.metadataDrop().read(file);
        } else {
            show(Page.RECONSTRUCT);
            vm.reconstruct().open(file);
        }
    }

    private static Node grow(Node n) {
        VBox.setVgrow(n, Priority.ALWAYS);
        return n;
    }

    private Node metadataBar() {
        Label text = new Label();
        text.setId("metadataSummary");
        text.textProperty().bind(vm.metadataDrop().summaryBinding());
        text.setMinWidth(0);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button all = Fields.button(Icon.RECALL, "Recall all", vm.metadataDrop()::recallAll);
        all.setId("metadataRecallAll");
        Button butSeed = Fields.button(Icon.DICE, "Recall all but seed", vm.metadataDrop()::recallAllButSeed);
        butSeed.setId("metadataRecallButSeed");
        Button close = Fields.iconButton(Icon.CLOSE, "Dismiss", vm.metadataDrop()::dismiss);
        HBox bar = new HBox(8, Icon.IMPORT.node(), text, all, butSeed, close);
        bar.setId("metadataBar");
        bar.getStyleClass().addAll("banner", "info");
        bar.visibleProperty().bind(vm.metadataDrop().foundProperty().isNotNull());
        bar.managedProperty().bind(bar.visibleProperty());
        return bar;
    }

    private MenuButton exportMenu() {
        MenuButton export = new MenuButton("Export", Icon.EXPORT.node());
        export.setId("exportMenu");
        export.getStyleClass().add("flat");
        export.setMinWidth(Region.USE_PREF_SIZE);
        MenuItem sheet = new MenuItem("Contact sheet (PNG)…", Icon.GALLERY.node());
        sheet.setOnAction(e -> chooseExport("Save the contact sheet", "-sheet.png", "PNG image", "*.png")
                .ifPresent(vm.export()::exportContactSheet));
        MenuItem gif = new MenuItem("Animated GIF…", Icon.ANIMATION.node());
        gif.setOnAction(e -> chooseExport("Save the animation", "-sequence.gif", "GIF animation", "*.gif")
                .ifPresent(vm.export()::exportGif));
        export.getItems().addAll(sheet, gif);
        export.disableProperty().bind(vm.export().availableBinding().not());
        export.setTooltip(new javafx.scene.control.Tooltip("Export the coarse-to-fine sequence"));
        return export;
    }

    private java.util.Optional<java.nio.file.Path> chooseExport(String title, String suffix, String kind,
            String pattern) {
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle(title);
        chooser.setInitialFileName(vm.export().suggestedName(suffix));
        java.nio.file.Path folder = vm.export().suggestedFolder();
        if (folder != null && java.nio.file.Files.isDirectory(folder)) {
            chooser.setInitialDirectory(folder.toFile());
        }
        chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter(kind, pattern));
        java.io.File f = chooser.showSaveDialog(getScene().getWindow());
        return java.util.Optional.ofNullable(f).map(java.io.File::toPath);
    }

    /** Installs a page built elsewhere (part 2 views). */
    public void setPage(Page page, Node node) {
        pages.put(page, node);
        if (navButtons.get(page).isSelected()) {
            content.getChildren().setAll(node);
        }
    }

    /** Shows {@code page}. */
    public void show(Page page) {
        navButtons.get(page).setSelected(true);
        content.getChildren().setAll(pages.get(page));
        if (page == Page.GALLERY) {
            vm.gallery().refresh();
        }
    }

    public PreviewPane preview() {
        return preview;
    }

    /** A scene with the theme stylesheets; the theme follows the settings. */
    public Scene createScene(double width, double height) {
        Scene scene = new Scene(this, width, height);
        applyTheme(scene, vm.settings().get());
        vm.settings().settingsProperty().addListener((o, a, s) -> applyTheme(scene, s));
        return scene;
    }

    /** Stops the timers of this view. */
    public void dispose() {
        memoryTimer.stop();
    }

    private static void applyTheme(Scene scene, Settings s) {
        String palette = Settings.DARK.equals(s.theme()) ? "dark.css" : "light.css";
        scene.getStylesheets().setAll(url(CSS), url(palette));
        scene.getRoot().pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("dark"),
                Settings.DARK.equals(s.theme()));
    }

    private static String url(String name) {
        return Objects.requireNonNull(StudioView.class.getResource(name), name).toExternalForm();
    }

    private Node centre(PreviewPane previewPane) {
        VBox empty = new VBox(10);
        empty.getStyleClass().add("empty-state");
        empty.setId("emptyState");
        Label title = Fields.styled("No model loaded", "title");
        Label text = Fields.styled("", "hint");
        text.setWrapText(true);
        text.setMaxWidth(420);
        text.textProperty().bind(Bindings.createStringBinding(() -> vm.engine().getState() == EngineModel.State.LOADING
                ? vm.engine().statusTextProperty().get()
                : "HART Studio looks for the embedded model in assets/models/hart-tiny. Choose a bundle folder "
                        + "(one with a manifest.json) to start.", vm.engine().stateProperty(),
                vm.engine().statusTextProperty()));
        Button open = Fields.button(Icon.OPEN, "Open bundle folder…", () -> {
            javafx.stage.DirectoryChooser c = new javafx.stage.DirectoryChooser();
            java.io.File f = c.showDialog(getScene().getWindow());
            if (f != null) {
                vm.picker().open(f.toPath());
            }
        });
        open.getStyleClass().add("primary");
        empty.getChildren().addAll(Icon.LAYERS.node(), title, text, open);
        empty.visibleProperty().bind(Bindings.notEqual(vm.engine().stateProperty(), EngineModel.State.READY));
        previewPane.visibleProperty().bind(empty.visibleProperty().not());
        return new StackPane(previewPane, empty);
    }

    private Parent appBar() {
        Label title = new Label("HART Studio", Icon.LAYERS.node());
        title.getStyleClass().add("app-title");
        HBox nav = new HBox();
        nav.getStyleClass().add("nav");
        ToggleGroup group = new ToggleGroup();
        for (Page p : Page.values()) {
            ToggleButton b = new ToggleButton(p.title, p.icon.node());
            b.setId("nav" + p.title);
            b.setToggleGroup(group);
            b.setOnAction(e -> show(p));
            navButtons.put(p, b);
            nav.getChildren().add(b);
        }
        group.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null && a != null) {
                a.setSelected(true);
            }
        });
        Label queueBadge = new Label();
        queueBadge.getStyleClass().add("badge");
        queueBadge.textProperty().bind(vm.queue().waitingProperty().asString());
        queueBadge.visibleProperty().bind(vm.queue().waitingProperty().greaterThan(0));
        queueBadge.managedProperty().bind(queueBadge.visibleProperty());
        navButtons.get(Page.QUEUE).setGraphic(new HBox(4, Page.QUEUE.icon.node(), queueBadge));
        ((HBox) navButtons.get(Page.QUEUE).getGraphic()).setAlignment(Pos.CENTER_LEFT);

        Label provider = new Label();
        provider.setId("providerChip");
        provider.getStyleClass().add("chip");
        provider.textProperty().bind(vm.status().providerChipBinding());
        provider.visibleProperty().bind(vm.engine().modelProperty().isNotNull());
        provider.setGraphic(Icon.CHIP.node());
        vm.engine().modelProperty().addListener((o, a, m) -> styleProvider(provider, m));
        styleProvider(provider, vm.engine().getModel());
        Button theme = Fields.iconButton(Icon.DARK, "Light / dark theme", vm.settings()::toggleTheme);
        theme.setId("themeToggle");
        theme.graphicProperty().bind(Bindings.createObjectBinding(
                () -> (vm.settings().darkBinding().get() ? Icon.LIGHT : Icon.DARK).node(), vm.settings().darkBinding()));
        Button settings = Fields.iconButton(Icon.SETTINGS, "Settings", this::openSettings);
        settings.setId("settingsButton");
        HBox bar = new HBox(title, Fields.spacer(), nav, Fields.spacer(), provider, theme, settings, helpMenu());
        bar.getStyleClass().add("app-bar");
        HBox.setHgrow(nav, Priority.NEVER);
        return bar;
    }

    private MenuButton helpMenu() {
        MenuItem start = new MenuItem("Getting started (HART-tiny and the real model)", Icon.INFO.node());
        start.setId("helpGettingStarted");
        start.setOnAction(e -> vm.welcome().show());
        MenuItem about = new MenuItem("About HART Studio", Icon.HELP.node());
        about.setId("helpAbout");
        about.setOnAction(e -> new AboutDialog(getScene().getWindow(), vm.about()).show());
        MenuButton help = new MenuButton(null, Icon.HELP.node(), start, about);
        help.setId("helpMenu");
        help.getStyleClass().add("flat");
        help.setTooltip(new javafx.scene.control.Tooltip("Help"));
        return help;
    }

    private static void styleProvider(Label chip, ModelInfo m) {
        chip.getStyleClass().removeAll("cpu", "gpu");
        if (m != null) {
            chip.getStyleClass().add(m.usesCuda() ? "gpu" : "cpu");
        }
    }

    private void openSettings() {
        String oldProvider = vm.settings().get().provider();
        new SettingsDialog(getScene().getWindow(), vm.settings(), String.valueOf(vm.errors().logFile()))
                .showAndWait().ifPresent(s -> {
                    vm.settings().update(x -> s);
                    if (!s.provider().equals(oldProvider)) {
                        vm.picker().reopenWithProvider();
                    }
                });
    }

    private Parent statusBar() {
        Label model = new Label(null, Icon.LAYERS.node());
        model.setId("statusModel");
        model.textProperty().bind(vm.status().modelBinding());
        Label provider = new Label(null, Icon.CHIP.node());
        provider.setId("statusProvider");
        provider.textProperty().bind(vm.status().providerBinding());
        Label timings = new Label(null, Icon.CHART.node());
        timings.setId("statusTimings");
        timings.textProperty().bind(vm.status().timingsProperty());
        Label queue = new Label(null, Icon.QUEUE.node());
        queue.setId("statusQueue");
        queue.textProperty().bind(vm.status().queueBinding());
        Label memory = new Label();
        memory.setId("statusMemory");
        memory.textProperty().bind(vm.status().memoryProperty());
        HBox bar = new HBox(model, provider, timings, Fields.spacer(), queue, memory);
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private static Node placeholder(Page p) {
        VBox box = new VBox(p.icon.node(), Fields.styled(p.title, "title"));
        box.getStyleClass().add("empty-state");
        return box;
    }
}

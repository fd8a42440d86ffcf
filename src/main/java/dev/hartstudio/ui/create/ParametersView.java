package dev.hartstudio.ui.create;

import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import dev.hartstudio.ui.common.Labels;
import dev.hartstudio.ui.engine.BundleChoice;
import dev.hartstudio.ui.engine.EngineModel;
import dev.hartstudio.ui.engine.ModelInfo;
import dev.hartstudio.ui.engine.ModelPickerViewModel;
import java.io.File;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableStringValue;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;

/** The left panel of the create view: prompt, Generate, sampling fields, model and provider. */
public final class ParametersView extends ScrollPane {

    public ParametersView(CreateViewModel vm, PromptCheckViewModel check, ModelPickerViewModel picker) {
        ParametersViewModel p = vm.parameters();
        getStyleClass().add("panel");
        setFitToWidth(true);
        setHbarPolicy(ScrollBarPolicy.NEVER);
        setMinWidth(300);
        setPrefWidth(330);

        TextArea prompt = new TextArea();
        prompt.setId("prompt");
        prompt.getStyleClass().add("prompt-editor");
        prompt.setWrapText(true);
        prompt.setPrefRowCount(4);
        prompt.setPromptText("Describe the image… (Ctrl+Enter generates, Esc cancels)");
        prompt.textProperty().bindBidirectional(p.promptProperty());

        Label tokens = new Label();
        tokens.setId("promptTokens");
        tokens.getStyleClass().add("prompt-tokens");
        tokens.textProperty().bind(check.counterProperty());
        check.overProperty().addListener((o, a, now) -> tokens.pseudoClassStateChanged(OVER, now));
        tokens.pseudoClassStateChanged(OVER, check.overProperty().get());
        Label warning = message("promptWarning", "field-warning", check.warningProperty());
        Label refused = message("promptRefusal", "field-error", check.refusalProperty());
        check.refusalProperty().addListener((o, a, now) -> prompt.pseudoClassStateChanged(Fields.INVALID, now != null));
        HBox tokenRow = new HBox(tokens);
        tokenRow.setAlignment(Pos.CENTER_RIGHT);
        VBox promptBox = Fields.labelled("Prompt", prompt, null, null);
        promptBox.getChildren().addAll(tokenRow, refused, warning);

        Button generate = Fields.button(Icon.GENERATE, "Generate", vm::generate);
        generate.setId("generate");
        generate.getStyleClass().add("primary");
        generate.setMaxWidth(Double.MAX_VALUE);
        generate.setTooltip(new Tooltip("Generate (Ctrl+Enter)"));
        generate.disableProperty().bind(vm.canGenerateBinding().not());
        generate.textProperty().bind(javafx.beans.binding.Bindings.when(vm.runningBinding())
                .then("Add to queue").otherwise("Generate"));
        HBox.setHgrow(generate, Priority.ALWAYS);
        Button stop = Fields.iconButton(Icon.STOP_HERE, "Stop here: keep the coarse image reached so far",
                vm::stopHere);
        stop.setId("stopHere");
        stop.disableProperty().bind(vm.runningBinding().not());
        Button cancel = Fields.iconButton(Icon.CANCEL, "Cancel the generation and the queue (Esc)", vm::cancel);
        cancel.setId("cancel");
        cancel.getStyleClass().add("danger");
        cancel.disableProperty().bind(vm.runningBinding().not());
        HBox actions = new HBox(6, generate, stop, cancel);
        actions.setAlignment(Pos.CENTER_LEFT);

        TextField seed = field("seed", p.seedTextProperty(), 12);
        ComboBox<SeedMode> mode = new ComboBox<>();
        mode.setId("seedMode");
        mode.getItems().setAll(SeedMode.values());
        mode.valueProperty().bindBidirectional(p.seedModeProperty());
        mode.setTooltip(new Tooltip("Fixed: same seed each time · Random: new seed each image · "
                + "Increment: +1 after each image"));
        Button dice = Fields.iconButton(Icon.DICE, "New random seed", p::rollDice);
        dice.setId("dice");
        Button copy = Fields.iconButton(Icon.COPY, "Copy the seed", () -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(p.seedTextProperty().get());
            Clipboard.getSystemClipboard().setContent(c);
        });
        copy.setId("copySeed");
        HBox.setHgrow(seed, Priority.ALWAYS);
        HBox seedRow = new HBox(4, seed, mode, dice, copy);
        seedRow.setAlignment(Pos.CENTER_LEFT);
        seedRow.setId("seedRow");
        seed.setId("seed");
        VBox seedBox = Fields.labelled("Seed", seedRow, p.seedErrorBinding(), null);
        seedBox.getChildren().get(seedBox.getChildren().size() - 1).setId("seedError");
        seed.pseudoClassStateChanged(Fields.INVALID, p.seedErrorBinding().get() != null);
        p.seedErrorBinding().addListener((o, a, b) -> seed.pseudoClassStateChanged(Fields.INVALID, b != null));

        TextField cfg = field("cfg", p.cfgTextProperty(), 6);
        TextField topP = field("topP", p.topPTextProperty(), 6);
        HBox cfgRow = new HBox(10,
                grow(Fields.labelled("CFG", cfg, p.cfgErrorBinding(), "0–50")),
                grow(Fields.labelled("Top-p", topP, p.topPErrorBinding(), "0 = off, < 1")));
        TextField topK = field("topK", p.topKTextProperty(), 20);
        VBox topKBox = Fields.labelled("Top-k schedule", topK, p.topKErrorBinding(), null);
        Label topKHint = Fields.styled("", "hint");
        topKHint.setWrapText(true);
        topKHint.textProperty().bind(Bindings.createStringBinding(() -> {
            ModelInfo m = p.modelProperty().get();
            return m == null ? "One value, or one per scale" : "One value, or " + m.scales() + " (one per scale); 0 = off";
        }, p.modelProperty()));
        topKHint.visibleProperty().bind(p.topKErrorBinding().isNull());
        topKHint.managedProperty().bind(topKHint.visibleProperty());
        topKBox.getChildren().add(2, topKHint);

        CheckBox smooth = new CheckBox("Smoothing (Gumbel soft tokens)");
        smooth.setId("moreSmooth");
        smooth.selectedProperty().bindBidirectional(p.moreSmoothProperty());
        CheckBox residual = new CheckBox("Residual diffusion (hybrid detail)");
        residual.setId("residual");
        residual.selectedProperty().bindBidirectional(p.residualDiffusionProperty());
        residual.setTooltip(new Tooltip("Off: the image is made from discrete tokens only"));

        ComboBox<PreviewMode> preview = new ComboBox<>();
        preview.setId("previewMode");
        preview.getItems().setAll(PreviewMode.values());
        preview.setConverter(Labels.converter(Labels::previewMode));
        preview.valueProperty().bindBidirectional(p.previewModeProperty());
        preview.setMaxWidth(Double.MAX_VALUE);
        TextField batch = field("batch", p.batchTextProperty(), 4);
        HBox previewRow = new HBox(10, grow(Fields.labelled("Preview", preview, null, null)),
                Fields.labelled("Images", batch, p.batchErrorBinding(), null));
        Button defaults = Fields.button(Icon.RECALL, "Model defaults", p::resetToDefaults);
        defaults.getStyleClass().add("flat");
        defaults.setTooltip(new Tooltip("Reset CFG, top-k, top-p and smoothing to the model's defaults"));

        VBox body = new VBox(12,
                promptBox, actions, new Separator(),
                seedBox, cfgRow, topKBox, smooth, residual, previewRow, defaults, new Separator(),
                modelSection(picker));
        body.getStyleClass().add("panel-body");
        setContent(body);
    }

    private static final PseudoClass OVER = PseudoClass.getPseudoClass("over");

    /** A wrapping label shown only while {@code text} is set. */
    private static Label message(String id, String style, ObservableStringValue text) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add(style);
        l.setWrapText(true);
        l.textProperty().bind(text);
        l.visibleProperty().bind(Bindings.isNotNull(text));
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }

    private VBox modelSection(ModelPickerViewModel picker) {
        EngineModel engine = picker.engine();
        ComboBox<BundleChoice> bundles = new ComboBox<>(picker.choices());
        bundles.setId("bundlePicker");
        bundles.setMaxWidth(Double.MAX_VALUE);
        bundles.setPromptText("Choose a model bundle");
        bundles.setButtonCell(new ListCell<>() {
            @Override
            protected void updateItem(BundleChoice item, boolean empty) {
                super.updateItem(item, empty);
                ModelInfo m = engine.getModel();
                setText(m != null ? m.name() : item == null ? "Choose a model bundle" : item.label());
            }
        });
        engine.modelProperty().addListener((o, a, m) -> {
            bundles.setValue(null);
            bundles.setButtonCell(bundles.getButtonCell());
            bundles.getButtonCell().setText(m == null ? "Choose a model bundle" : m.name());
        });
        bundles.setOnAction(e -> {
            BundleChoice c = bundles.getValue();
            if (c != null) {
                picker.open(c.folder());
            }
        });
        bundles.disableProperty().bind(Bindings.equal(engine.stateProperty(), EngineModel.State.LOADING));
        Button importButton = Fields.button(Icon.IMPORT, "Import bundle…", () -> chooseFolder(
                "Import a HART bundle folder", picker::importBundle));
        importButton.setId("importBundle");
        Button openButton = Fields.iconButton(Icon.OPEN, "Open a bundle folder without importing it",
                () -> chooseFolder("Open a HART bundle folder", picker::open));
        HBox buttons = new HBox(6, importButton, openButton);
        Label state = Fields.styled("", "hint");
        state.setWrapText(true);
        state.setId("modelState");
        state.textProperty().bind(Bindings.createStringBinding(() -> {
            ModelInfo m = engine.getModel();
            if (engine.getState() == EngineModel.State.LOADING) {
                return engine.statusTextProperty().get();
            }
            if (m == null) {
                return "No model is loaded.";
            }
            return m.resolution() + " px · " + m.scales() + " scales · " + m.diffusionSteps() + " diffusion steps"
                    + (m.description() == null || m.description().isBlank() ? "" : "\n" + m.description());
        }, engine.stateProperty(), engine.modelProperty(), engine.statusTextProperty()));
        Label provider = new Label();
        provider.setId("providerLabel");
        provider.setWrapText(true);
        provider.textProperty().bind(Bindings.createStringBinding(() -> {
            ModelInfo m = engine.getModel();
            return m == null ? "" : "Runs on " + m.providerLabel();
        }, engine.modelProperty()));
        provider.graphicProperty().bind(Bindings.createObjectBinding(
                () -> engine.getModel() == null ? null : Icon.CHIP.node(), engine.modelProperty()));
        return new VBox(8, Fields.styled("MODEL", "section-title"), bundles, buttons, state, provider);
    }

    private void chooseFolder(String title, Consumer<Path> then) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title);
        File f = chooser.showDialog(getScene().getWindow());
        if (f != null) {
            then.accept(f.toPath());
        }
    }

    private static TextField field(String id, javafx.beans.property.StringProperty property, int columns) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(columns);
        f.textProperty().bindBidirectional(property);
        return f;
    }

    private static VBox grow(VBox box) {
        HBox.setHgrow(box, Priority.ALWAYS);
        return box;
    }
}

package dev.hartstudio.ui.settings;

import dev.hartstudio.engine.generate.PreviewMode;
import dev.hartstudio.persistence.settings.Settings;
import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import dev.hartstudio.ui.common.Labels;
import java.io.File;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

/** Output folder, preview mode, provider preference and theme; applied on OK and persisted. */
public final class SettingsDialog extends Dialog<Settings> {

    public SettingsDialog(Window owner, SettingsViewModel vm, String logFile) {
        initOwner(owner);
        setTitle("Settings");
        setHeaderText("HART Studio settings");
        Settings s = vm.get();
        getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
        TextField output = new TextField(s.outputFolder());
        output.setId("settingsOutput");
        output.setPrefColumnCount(30);
        HBox.setHgrow(output, Priority.ALWAYS);
        Button browse = Fields.iconButton(Icon.OPEN, "Choose the output folder", () -> {
            DirectoryChooser c = new DirectoryChooser();
            File f = c.showDialog(getDialogPane().getScene().getWindow());
            if (f != null) {
                output.setText(f.getAbsolutePath());
            }
        });
        ComboBox<PreviewMode> preview = new ComboBox<>();
        preview.getItems().setAll(PreviewMode.values());
        preview.setConverter(Labels.converter(Labels::previewMode));
        preview.setValue(PreviewMode.valueOf(s.previewMode()));
        ComboBox<String> provider = new ComboBox<>();
        provider.setEditable(true);
        provider.getItems().addAll("auto", "cpu", "cuda", "cuda:1");
        provider.setValue(s.provider());
        Label providerHint = Fields.styled("auto: CUDA when an NVIDIA GPU is usable, else CPU", "hint");
        ComboBox<String> theme = new ComboBox<>();
        theme.getItems().addAll(Settings.LIGHT, Settings.DARK);
        theme.setConverter(Labels.converter(t -> Settings.DARK.equals(t) ? "Dark" : "Light"));
        theme.setValue(s.theme());
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(10);
        grid.addRow(0, new Label("Output folder"), new HBox(4, output, browse));
        grid.addRow(1, new Label("Preview mode"), preview);
        grid.addRow(2, new Label("Execution provider"), new javafx.scene.layout.VBox(4, provider, providerHint));
        grid.addRow(3, new Label("Theme"), theme);
        grid.addRow(4, new Label("Log file"), Fields.styled(logFile, "hint"));
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        setResultConverter(b -> b == ButtonType.OK
                ? s.withOutputFolder(output.getText().strip()).withPreviewMode(preview.getValue().name())
                        .withProvider(provider.getEditor().getText().strip()).withTheme(theme.getValue())
                : null);
    }
}

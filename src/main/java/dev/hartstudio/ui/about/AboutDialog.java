package dev.hartstudio.ui.about;

import dev.hartstudio.engine.VersionReport;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/** The About dialog: one row per fact of {@link AboutViewModel#report()}, selectable for bug reports. */
public final class AboutDialog extends Dialog<Void> {

    public AboutDialog(Window owner, AboutViewModel vm) {
        initOwner(owner);
        setTitle("About HART Studio");
        setHeaderText("HART Studio");
        GridPane grid = new GridPane();
        grid.setId("aboutRows");
        grid.setHgap(16);
        grid.setVgap(6);
        int row = 0;
        for (VersionReport.Row r : vm.report().rows()) {
            Label label = new Label(r.label());
            label.getStyleClass().add("hint");
            javafx.scene.control.TextField value = new javafx.scene.control.TextField(r.value());
            value.setEditable(false);
            value.setPrefColumnCount(Math.max(20, Math.min(60, r.value().length())));
            value.setId("about" + r.label().replace(" ", ""));
            grid.addRow(row++, label, value);
        }
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
    }
}

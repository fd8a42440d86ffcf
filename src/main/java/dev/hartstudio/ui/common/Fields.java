package dev.hartstudio.ui.common;

import javafx.beans.binding.StringExpression;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** Small builders the views share: labelled fields with their error, icon buttons, spacers. */
public final class Fields {

    /** Pseudo-class set on a field whose value is invalid. */
    public static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");

    private Fields() {
    }

    /**
     * A field with its label above and, below it, the error (when {@code error} is not null) or
     * the hint. The field gets the {@code :invalid} pseudo-class while there is an error; the error
     * label gets the id {@code <field id>Error}.
     */
    public static VBox labelled(String label, Node field, StringExpression error, String hint) {
        Label title = new Label(label);
        title.getStyleClass().add("field-label");
        title.setLabelFor(field);
        VBox box = new VBox(4, title, field);
        if (hint != null) {
            Label h = new Label(hint);
            h.getStyleClass().add("hint");
            h.setWrapText(true);
            if (error != null) {
                h.visibleProperty().bind(error.isNull());
                h.managedProperty().bind(h.visibleProperty());
            }
            box.getChildren().add(h);
        }
        if (error != null) {
            Label e = new Label();
            e.getStyleClass().add("field-error");
            e.setWrapText(true);
            if (field.getId() != null) {
                e.setId(field.getId() + "Error");
            }
            e.textProperty().bind(error);
            e.visibleProperty().bind(error.isNotNull());
            e.managedProperty().bind(e.visibleProperty());
            error.addListener((obs, old, now) -> field.pseudoClassStateChanged(INVALID, now != null));
            field.pseudoClassStateChanged(INVALID, error.get() != null);
            box.getChildren().add(e);
        }
        return box;
    }

    /** A flat button with only an icon and a tooltip. */
    public static Button iconButton(Icon icon, String tooltip, Runnable action) {
        Button b = new Button();
        b.setGraphic(icon.node());
        b.getStyleClass().add("flat");
        b.setTooltip(new Tooltip(tooltip));
        b.setAccessibleText(tooltip);
        b.setOnAction(e -> action.run());
        return b;
    }

    /** A button with icon and text. */
    public static Button button(Icon icon, String text, Runnable action) {
        Button b = new Button(text, icon == null ? null : icon.node());
        b.setOnAction(e -> action.run());
        return b;
    }

    /** A region that takes the free space of an HBox/VBox. */
    public static Region spacer() {
        Region r = new Region();
        javafx.scene.layout.HBox.setHgrow(r, Priority.ALWAYS);
        VBox.setVgrow(r, Priority.ALWAYS);
        return r;
    }

    public static Label styled(String text, String... classes) {
        Label l = new Label(text);
        l.getStyleClass().addAll(classes);
        return l;
    }
}

package dev.hartstudio.ui.common;

import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The message strip under the app bar: the short message, a "Details" toggle that expands the
 * stack trace and log location, and a close button. Hidden when there is no message.
 */
public final class MessageBanner extends VBox {

    private static final javafx.util.Duration INFO_TIME = javafx.util.Duration.seconds(6);

    private final javafx.animation.PauseTransition autoHide = new javafx.animation.PauseTransition(INFO_TIME);

    public MessageBanner(ErrorReporter reporter) {
        setId("messageBanner");
        getStyleClass().add("banner");
        Label icon = new Label();
        Label text = new Label();
        text.setId("messageText");
        text.setWrapText(true);
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        Hyperlink details = new Hyperlink("Details");
        details.setId("messageDetailsToggle");
        Button close = Fields.iconButton(Icon.CLOSE, "Dismiss", reporter::dismiss);
        HBox row = new HBox(10, icon, text, details, close);
        row.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        TextArea area = new TextArea();
        area.setId("messageDetails");
        area.getStyleClass().add("banner-details");
        area.setEditable(false);
        area.setVisible(false);
        area.managedProperty().bind(area.visibleProperty());
        details.setOnAction(e -> area.setVisible(!area.isVisible()));
        getChildren().addAll(row, area);
        setSpacing(6);
        reporter.messageProperty().addListener((obs, old, m) -> {
            show(m, icon, text, details, area);
            autoHide.stop();
            if (m != null && m.severity() == UserMessage.Severity.INFO) {
                // Information goes away by itself; warnings and errors wait for the user.
                autoHide.setOnFinished(e -> {
                    if (reporter.getMessage() == m) {
                        reporter.dismiss();
                    }
                });
                autoHide.playFromStart();
            }
        });
        show(reporter.getMessage(), icon, text, details, area);
    }

    private void show(UserMessage m, Label icon, Label text, Hyperlink details, TextArea area) {
        setVisible(m != null);
        setManaged(m != null);
        if (m == null) {
            area.setVisible(false);
            return;
        }
        getStyleClass().remove("info");
        if (m.severity() != UserMessage.Severity.ERROR) {
            getStyleClass().add("info");
        }
        icon.setGraphic((m.severity() == UserMessage.Severity.ERROR ? Icon.ERROR : Icon.INFO).node());
        text.setText(m.text());
        area.setText(m.details());
        area.setVisible(false);
        details.setVisible(!m.details().isBlank());
        details.setManaged(details.isVisible());
    }
}

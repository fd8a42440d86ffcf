package dev.hartstudio.ui.welcome;

import dev.hartstudio.ui.common.Fields;
import dev.hartstudio.ui.common.Icon;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The first-run notice as a card under the app bar; {@link WelcomeViewModel} decides when it shows. */
public final class WelcomeView extends VBox {

    public WelcomeView(WelcomeViewModel vm) {
        super(8);
        setId("welcome");
        getStyleClass().addAll("banner", "info", "welcome");
        Label title = Fields.styled(WelcomeViewModel.TITLE, "title");
        title.setGraphic(Icon.INFO.node());
        Label tiny = wrapped(WelcomeViewModel.ABOUT_TINY);
        Label real = wrapped(WelcomeViewModel.REAL_MODEL);
        TextArea commands = new TextArea(WelcomeViewModel.COMMANDS);
        commands.setId("welcomeCommands");
        commands.setEditable(false);
        commands.setPrefRowCount(4);
        commands.getStyleClass().add("commands");
        Label then = wrapped(WelcomeViewModel.THEN);
        Button copy = Fields.button(Icon.COPY, "Copy commands", () -> javafx.scene.input.Clipboard.getSystemClipboard()
                .setContent(text(WelcomeViewModel.COMMANDS)));
        copy.setId("welcomeCopy");
        Button dismiss = Fields.button(Icon.CLOSE, "Got it", vm::dismiss);
        dismiss.setId("welcomeDismiss");
        dismiss.getStyleClass().add("primary");
        HBox buttons = new HBox(8, Fields.spacer(), copy, dismiss);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        getChildren().addAll(title, tiny, real, commands, then, buttons);
        VBox.setVgrow(commands, Priority.NEVER);
        visibleProperty().bind(vm.showingProperty());
        managedProperty().bind(visibleProperty());
    }

    private static Label wrapped(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMinHeight(Label.USE_PREF_SIZE);
        return l;
    }

    private static ClipboardContent text(String s) {
        ClipboardContent c = new ClipboardContent();
        c.putString(s);
        return c;
    }
}

package dev.hartstudio.ui.common;

/**
 * A message for the user: one short sentence, and optional details (a stack trace, the log file).
 *
 * @param severity how it is shown
 * @param text the short, human message
 * @param details what an expert needs, or an empty string
 */
public record UserMessage(Severity severity, String text, String details) {

    public enum Severity { INFO, WARNING, ERROR }

    public UserMessage {
        details = details == null ? "" : details;
    }

    public static UserMessage info(String text) {
        return new UserMessage(Severity.INFO, text, "");
    }

    public static UserMessage error(String text, String details) {
        return new UserMessage(Severity.ERROR, text, details);
    }
}

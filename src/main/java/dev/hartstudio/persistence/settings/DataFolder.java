package dev.hartstudio.persistence.settings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where HART Studio keeps its settings, history and log: the user data folder of the platform.
 * Linux {@code $XDG_DATA_HOME/hart-studio} (else {@code ~/.local/share/hart-studio}), macOS
 * {@code ~/Library/Application Support/HART Studio}, Windows {@code %APPDATA%\HART Studio}. The
 * system property {@value #HOME_PROPERTY} overrides it (tests, portable installs).
 */
public final class DataFolder {

    /** System property that replaces the platform folder. */
    public static final String HOME_PROPERTY = "hartstudio.home";

    private DataFolder() {
    }

    /** The data folder for this JVM (not created). */
    public static Path resolve() {
        return resolve(System.getProperty(HOME_PROPERTY), System.getProperty("os.name", ""),
                System.getProperty("user.home", "."), System.getenv());
    }

    /** The data folder for the given platform facts; pure, for tests. */
    static Path resolve(String override, String osName, String userHome, Map<String, String> env) {
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            Path base = appData == null || appData.isBlank() ? Path.of(userHome, "AppData", "Roaming") : Path.of(appData);
            return base.resolve("HART Studio");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return Path.of(userHome, "Library", "Application Support", "HART Studio");
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg == null || xdg.isBlank() ? Path.of(userHome, ".local", "share") : Path.of(xdg);
        return base.resolve("hart-studio");
    }

    /** The default folder for finished images: {@code ~/Pictures/HART Studio}. */
    public static Path defaultOutputFolder() {
        return Path.of(System.getProperty("user.home", "."), "Pictures", "HART Studio");
    }
}

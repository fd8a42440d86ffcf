package dev.hartstudio.cli;

import java.awt.GraphicsEnvironment;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;

/**
 * Starts the studio UI when hart-studio is run without a command. The UI class is looked up by name,
 * so the command line builds and runs before (and without) the UI; when the class is missing or there
 * is no display, one line says so and the exit status is {@link Cli#USAGE}.
 */
public final class StudioLauncher {

    /** The JavaFX application class of the studio. */
    public static final String STUDIO_CLASS = "dev.hartstudio.ui.StudioApp";
    private static final String FX_APPLICATION = "javafx.application.Application";

    private final String className;
    private final Map<String, String> env;
    private final boolean headless;

    StudioLauncher(String className, Map<String, String> env, boolean headless) {
        this.className = className;
        this.env = env;
        this.headless = headless;
    }

    /** The launcher for this process: the real UI class, environment and AWT headless state. */
    public static StudioLauncher system() {
        return new StudioLauncher(STUDIO_CLASS, System.getenv(), GraphicsEnvironment.isHeadless());
    }

    /** Runs the studio until its window closes; returns the exit status. */
    public int launch(String[] args, PrintStream err) {
        Class<?> app;
        try {
            app = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            err.println("The studio window is not part of this build yet (" + className
                    + " is missing); use a command instead, e.g. hart-studio generate --help, or hart-studio help.");
            return Cli.USAGE;
        }
        String noDisplay = whyNoDisplay();
        if (noDisplay != null) {
            err.println("Cannot open the studio window: " + noDisplay
                    + ". Use a command instead, e.g. hart-studio generate --help, or hart-studio help.");
            return Cli.USAGE;
        }
        try {
            invoke(app, args);
            return 0;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            err.println("The studio could not start: " + cause);
            return Cli.FAILED;
        } catch (ReflectiveOperationException e) {
            err.println("The studio could not start: " + className + " has no usable launch(String[]) (" + e + ").");
            return Cli.FAILED;
        }
    }

    /** Null when a display is available, else why not. */
    String whyNoDisplay() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        boolean unixDesktop = !os.contains("win") && !os.contains("mac");
        if (unixDesktop && blank(env.get("DISPLAY")) && blank(env.get("WAYLAND_DISPLAY"))) {
            return "no display (DISPLAY is not set; is this an SSH session or a server?)";
        }
        if (headless) {
            return "Java is running headless (java.awt.headless=true or no display)";
        }
        return null;
    }

    /**
     * The UI class's own static {@code launch(String[])} when it declares one; otherwise JavaFX's
     * {@code Application.launch(Class, String...)} (its one-argument form finds the application class
     * from the call stack, which a reflective call hides).
     */
    private static void invoke(Class<?> app, String[] args) throws ReflectiveOperationException {
        try {
            Method own = app.getDeclaredMethod("launch", String[].class);
            if (Modifier.isStatic(own.getModifiers())) {
                own.invoke(null, (Object) args);
                return;
            }
        } catch (NoSuchMethodException e) {
            // fall through to Application.launch(Class, String...)
        }
        Class<?> fx = Class.forName(FX_APPLICATION);
        if (!fx.isAssignableFrom(app)) {
            throw new NoSuchMethodException(app.getName() + " neither declares launch(String[]) nor extends " + FX_APPLICATION);
        }
        fx.getMethod("launch", Class.class, String[].class).invoke(null, app, args);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

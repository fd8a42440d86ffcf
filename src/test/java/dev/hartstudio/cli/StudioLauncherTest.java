package dev.hartstudio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudioLauncherTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    /** Stands in for the UI class: records that launch ran. */
    public static final class FakeStudio {
        static String[] launchedWith;

        public static void launch(String[] args) {
            launchedWith = args;
        }
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void missingUiClassIsOneLineAndUsageStatus() {
        int status = new StudioLauncher("dev.hartstudio.ui.NoSuchApp", Map.of("DISPLAY", ":0"), false)
                .launch(new String[0], errStream);
        assertEquals(Cli.USAGE, status);
        assertTrue(err().startsWith("The studio window is not part of this build yet"), err());
        assertEquals(1, err().lines().count());
    }

    @Test
    void noDisplayIsOneLineAndUsageStatus() {
        int status = new StudioLauncher(FakeStudio.class.getName(), Map.of(), false).launch(new String[0], errStream);
        boolean unix = !System.getProperty("os.name").toLowerCase().contains("win")
                && !System.getProperty("os.name").toLowerCase().contains("mac");
        if (unix) {
            assertEquals(Cli.USAGE, status);
            assertTrue(err().startsWith("Cannot open the studio window: no display"), err());
        }
    }

    @Test
    void headlessJavaIsOneLineAndUsageStatus() {
        int status = new StudioLauncher(FakeStudio.class.getName(), Map.of("DISPLAY", ":0"), true)
                .launch(new String[0], errStream);
        assertEquals(Cli.USAGE, status);
        assertTrue(err().startsWith("Cannot open the studio window: Java is running headless"), err());
    }

    @Test
    void withADisplayTheUiClassLaunchRuns() {
        FakeStudio.launchedWith = null;
        StudioLauncher launcher = new StudioLauncher(FakeStudio.class.getName(), Map.of("DISPLAY", ":0"), false);
        assertNull(launcher.whyNoDisplay());
        assertEquals(0, launcher.launch(new String[0], errStream), err());
        assertEquals(0, FakeStudio.launchedWith.length);
    }
}

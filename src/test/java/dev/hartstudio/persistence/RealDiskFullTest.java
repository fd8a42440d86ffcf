package dev.hartstudio.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: {@link DiskFullMain} runs in a private mount namespace ({@code unshare -rm},
 * no root needed where user namespaces are allowed) on a 1 MiB tmpfs. Skipped, with the reason,
 * where such a file system cannot be made; {@code FullDisk} simulates it in the other tests.
 */
class RealDiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullTmpfsIsReportedAndLosesNothingSaved() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "a tmpfs needs Linux");
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")) || Files.isExecutable(Path.of("/bin/unshare")),
                    "no unshare(1) here to mount a small tmpfs without root");
            Path disk = Files.createDirectories(dir.resolve("disk"));
            ProcessBuilder pb = new ProcessBuilder("unshare", "-rm", "sh", "-c",
                    "mount -t tmpfs -o size=1m tmpfs \"$DISK\" || { echo 'no-mount'; exit 0; };"
                            + " exec \"$JAVA\" -Xshare:auto -XX:TieredStopAtLevel=1 -Djava.awt.headless=true -cp \"$CP\" "
                            + DiskFullMain.class.getName() + " \"$DISK\"");
            pb.environment().put("DISK", disk.toString());
            pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            pb.environment().put("CP", System.getProperty("java.class.path"));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assumeTrue(p.exitValue() == 0 || !output.contains("unshare:"),
                    "cannot make a private mount namespace here (unshare -rm): " + output.strip());
            assumeTrue(!output.contains("no-mount"), "cannot mount a tmpfs here: " + output.strip());
            assertEquals(0, p.exitValue(), output);
            Map<String, String> found = new LinkedHashMap<>();
            for (String line : output.lines().toList()) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    found.put(line.substring(0, space), line.substring(space + 1));
                }
            }
            Path tmpfsHistory = disk.resolve("history");
            for (String key : List.of("history-error", "settings-error", "png-error")) {
                String message = found.get(key);
                assertTrue(message != null && message.startsWith("Could not save " + disk + File.separator)
                        && message.endsWith(": the disk is full."), key + ": " + message + "\n" + output);
            }
            assertTrue(found.get("history-error").contains(tmpfsHistory.toString()), output);
            assertEquals("c,b,a", found.get("history-ids"), output);
            assertEquals("none", found.get("history-problem"), output);
            assertEquals("true", found.get("history-unchanged"), output);
            assertEquals("true none", found.get("settings-kept"), output);
            assertEquals("2", found.get("pngs-read"), output);
            assertEquals("0", found.get("leftovers"), "no temp file left on the full disk\n" + output);
            assertEquals("4", found.get("after-freeing"), "saving works again once there is space\n" + output);
            System.out.println("RealDiskFullTest: 1 MiB tmpfs, " + found.get("filled"));
        });
    }
}

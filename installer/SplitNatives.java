import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Splits ONNX Runtime's native libraries off the app jar, so that an installed app loads them from a
 * folder (-Donnxruntime.native.path) instead of unpacking them into the temp folder at every start:
 *
 *   java installer/SplitNatives.java IN.jar OUT.jar NATIVE_DIR PLATFORM      # PLATFORM e.g. linux-x64
 *
 * OUT.jar is IN.jar without ai/onnxruntime/native/**; NATIVE_DIR gets PLATFORM's libraries.
 */
public final class SplitNatives {

    private static final String PREFIX = "ai/onnxruntime/native/";

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: java installer/SplitNatives.java IN.jar OUT.jar NATIVE_DIR PLATFORM");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path natives = Files.createDirectories(Path.of(args[2]));
        String platform = PREFIX + args[3] + "/";
        int extracted = 0;
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(in));
             ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                String name = e.getName();
                if (!name.startsWith(PREFIX)) {
                    zout.putNextEntry(new ZipEntry(name));
                    zin.transferTo(zout);
                    zout.closeEntry();
                } else if (name.startsWith(platform) && !e.isDirectory() && name.indexOf('/', platform.length()) < 0) {
                    try (OutputStream f = Files.newOutputStream(natives.resolve(name.substring(platform.length())))) {
                        zin.transferTo(f);
                    }
                    extracted++;
                }
            }
        }
        if (extracted == 0) {
            Files.deleteIfExists(out);
            System.err.println(in + " has no ONNX Runtime libraries for " + args[3] + " (looked under " + platform + ").");
            System.exit(1);
        }
        System.out.println("split " + extracted + " ONNX Runtime libraries for " + args[3] + " into " + natives);
    }
}

package dev.hartstudio.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Resolves the file names of a manifest inside the bundle folder, refusing any that leave it. */
final class BundlePaths {

    private final Path root;

    /** @param root the bundle folder, as a real path (links resolved) */
    BundlePaths(Path root) {
        this.root = root;
    }

    /**
     * The path of {@code name}, a plain file name from manifest.json field {@code field}; checks the
     * name only, not that the file exists.
     */
    Path resolve(String field, String name) throws BundleException {
        String shown = "manifest.json: " + field + " \"" + Json.abbreviate(name, 80) + "\"";
        if (name.isEmpty()) {
            throw new BundleException("manifest.json: " + field + " is an empty file name.");
        }
        if (name.indexOf('\0') >= 0) {
            throw new BundleException("manifest.json: " + field + " contains a NUL character.");
        }
        if (leaves(name)) {
            throw new BundleException(shown + " leaves the bundle folder.");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            throw new BundleException(shown + " is not a plain file name (bundle files have no folders).");
        }
        if (name.equals(".") || name.indexOf(':') >= 0) {
            throw new BundleException(shown + " is not a plain file name.");
        }
        return root.resolve(name);
    }

    /**
     * The path of {@code name}, which must exist as a regular file whose real location (links
     * followed) is inside the bundle folder.
     */
    Path existing(String field, String name) throws BundleException {
        Path path = resolve(field, name);
        String shown = "manifest.json: " + field + " \"" + Json.abbreviate(name, 80) + "\"";
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new BundleException(shown + " does not exist in the bundle folder.");
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new BundleException(shown + " is a link that points nowhere.", e);
        }
        if (!real.startsWith(root)) {
            throw new BundleException(shown + " is a link that leaves the bundle folder.");
        }
        if (!Files.isRegularFile(real)) {
            throw new BundleException(shown + " is not a regular file.");
        }
        return real;
    }

    /** A name without folders, drive letters or NUL, and not "." (the rules of {@link #resolve}). */
    static boolean isPlainName(String name) {
        return !name.isEmpty() && name.indexOf('\0') < 0 && name.indexOf('/') < 0 && name.indexOf('\\') < 0
                && !name.equals(".") && name.indexOf(':') < 0;
    }

    /** Whether {@code name} is absolute or climbs out with "..". */
    static boolean leaves(String name) {
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            return true;
        }
        for (String part : name.split("[/\\\\]", -1)) {
            if (part.equals("..")) {
                return true;
            }
        }
        return Path.of(name).isAbsolute();
    }
}

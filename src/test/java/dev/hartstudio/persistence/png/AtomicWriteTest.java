package dev.hartstudio.persistence.png;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {

    @TempDir
    Path dir;

    @Test
    void writesTheBytes() throws Exception {
        Path file = dir.resolve("a.bin");
        AtomicWrite.write(file, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    }

    @Test
    void aFullDiskIsReportedAndLeavesNoPartialFile() throws Exception {
        Path file = dir.resolve("a.png");
        IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("Could not save " + file + ": the disk is full.", e.getMessage());
        assertEquals(List.of(), list());
    }

    @Test
    void aFailedWriteKeepsThePreviousFile() throws Exception {
        Path file = dir.resolve("a.png");
        Files.write(file, new byte[] {7});
        assertThrows(IOException.class, () -> AtomicWrite.write(file, out -> {
            out.write(1);
            throw new IOException("device error");
        }));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(file));
        assertEquals(List.of(file), list());
    }

    @Test
    void aReadOnlyFolderIsReportedAndLeavesNoFile() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(folder), "running as root: permissions are not enforced");
            Path file = folder.resolve("a.png");
            IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(file, new byte[] {1}));
            assertEquals("Could not save " + file + ": the folder " + folder + " is not writable.", e.getMessage());
            try (var files = Files.list(folder)) {
                assertEquals(0, files.count());
            }
        } finally {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aMissingFolderIsReported() {
        Path file = dir.resolve("nope").resolve("a.png");
        IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(file, new byte[] {1}));
        assertEquals("Could not save " + file + ": the folder " + file.getParent() + " does not exist.", e.getMessage());
    }

    @Test
    void aFileWhereTheFolderShouldBeIsReported() throws Exception {
        Path notAFolder = Files.write(dir.resolve("file"), new byte[] {1});
        Path file = notAFolder.resolve("a.png");
        IOException e = assertThrows(IOException.class, () -> AtomicWrite.write(file, new byte[] {1}));
        assertEquals("Could not save " + file + ": " + notAFolder + " is a file, not a folder.", e.getMessage());
    }

    private List<Path> list() throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }
}

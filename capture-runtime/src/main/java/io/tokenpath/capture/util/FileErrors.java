package io.tokenpath.capture.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * I/O errors in words for one-line reports. java.nio's file-system exceptions often carry only a path as their
 * message ("FileAlreadyExistsException: out"), which reads as nothing to a user; this names the path and says
 * what is wrong with it.
 */
public final class FileErrors {
    private FileErrors() {}

    /** "out/x: already exists", "in.stream: no such file or directory", or the message of other errors. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason() : reasonOf(f);
            return (f.getFile() != null ? f.getFile() + ": " : "") + what;
        }
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private static String reasonOf(FileSystemException f) {
        if (f instanceof NoSuchFileException) return "no such file or directory";
        if (f instanceof AccessDeniedException) return "permission denied";
        if (f instanceof FileAlreadyExistsException) return "already exists (and is not a directory)";
        if (f instanceof NotDirectoryException) return "not a directory";
        if (f instanceof DirectoryNotEmptyException) return "directory not empty";
        return f.getClass().getSimpleName();
    }
}

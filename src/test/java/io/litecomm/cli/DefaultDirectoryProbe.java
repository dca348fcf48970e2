package io.litecomm.cli;

import io.litecomm.Comm;

/** Prints {@link Comm#defaultDirectory()} as this process's environment makes it. */
public final class DefaultDirectoryProbe {

    private DefaultDirectoryProbe() {
    }

    public static void main(String[] args) {
        System.out.println("DEFAULT " + Comm.defaultDirectory());
    }
}

package io.litecomm.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a deserialisation gadget, named on the wire by {@link GadgetPayloadTest}: if any
 * decoder ever loads and initialises it, its static initialiser sets the system property
 * {@value #LOADED} and writes the file named by the system property {@value #MARKER}. It also has
 * what a bean-style gadget needs (a public constructor and setters).
 */
public final class WireGadget {

    /** Set to "true" by the static initialiser. */
    static final String LOADED = "litecomm.gadget.loaded";
    /** Names a file the static initialiser creates. */
    static final String MARKER = "litecomm.gadget.marker";

    static {
        System.setProperty(LOADED, "true");
        String marker = System.getProperty(MARKER);
        if (marker != null) {
            try {
                Files.writeString(Path.of(marker), "WireGadget was initialised");
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private String command;

    public WireGadget() {
        // what a bean-style gadget offers a decoder
    }

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }
}

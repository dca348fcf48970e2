package io.litecomm.reliability;

/**
 * Loaded on purpose at the end of {@link GadgetVictim}: its line in the class-load log shows that the
 * log records classes of the test class path, so the absence of {@link WireGadget} there means something.
 */
public final class ClassLoadSentinel {

    private ClassLoadSentinel() {
    }

    static String touch() {
        return "sentinel";
    }
}

package io.litecomm.process;

/** A managed child whose main throws. */
public final class FailingChild {

    private FailingChild() {
    }

    public static void main(String[] args) {
        throw new IllegalStateException("boom from the failing child");
    }
}

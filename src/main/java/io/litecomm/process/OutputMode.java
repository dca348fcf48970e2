package io.litecomm.process;

/** Where a child's output goes in the parent. */
public enum OutputMode {
    /** To SLF4J, or to this JVM's stdout and stderr (prefixed by the child's name) when it has no SLF4J provider. */
    LOG,
    /** To this JVM's stdout and stderr as the child wrote it; records as {@code LEVEL logger - message}. */
    INHERIT,
    /** Nowhere (the last lines are still kept for the report of a child that fails to start). */
    DISCARD
}

package io.litecomm.mapped.mailbox;

/**
 * Optional capability of a {@link MessageQueue}: a table of sleeping receivers in the queue's
 * shared state, so that a sender wakes them only when one sleeps. A receiver registers its
 * doorbell, re-checks the queue, then sleeps; a sender commits, then (after a full fence) reads
 * the table and rings every registered doorbell.
 */
interface Wakeups {

    /**
     * Registers a sleeping receiver.
     *
     * @param bellId its doorbell, non-zero
     * @return the slot taken, or -1 if the table is full
     */
    int addSleeper(long bellId);

    /**
     * Unregisters a receiver that woke up.
     *
     * @param slot the slot from {@link #addSleeper}
     * @param bellId its doorbell
     */
    void removeSleeper(int slot, long bellId);

    /**
     * Bit mask of occupied slots; zero when nobody sleeps. Cheap.
     *
     * @return the mask
     */
    int sleeperMask();

    /**
     * The doorbell in a slot.
     *
     * @param slot the slot
     * @return its bell id, or 0
     */
    long sleeperAt(int slot);
}

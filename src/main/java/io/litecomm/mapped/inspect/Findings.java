package io.litecomm.mapped.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * What checking one file found: problems (the file is damaged), notes (what is not damage but
 * worth saying, such as a send in progress), and a one-line summary of a valid file.
 */
public final class Findings {

    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String summary = "";

    /**
     * Records a problem.
     *
     * @param problem what is wrong, {@code rule: name=value}
     * @return this
     */
    public Findings problem(String problem) {
        problems.add(problem);
        return this;
    }

    /**
     * Records a note.
     *
     * @param note what is worth saying
     * @return this
     */
    public Findings note(String note) {
        notes.add(note);
        return this;
    }

    /**
     * Sets the summary.
     *
     * @param text one line
     */
    public void summary(String text) {
        this.summary = text;
    }

    /**
     * The problems found.
     *
     * @return the live list
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * The notes.
     *
     * @return the live list
     */
    public List<String> notes() {
        return notes;
    }

    /**
     * The summary of the file.
     *
     * @return one line, empty if none
     */
    public String summary() {
        return summary;
    }

    /**
     * Whether no problem was found.
     *
     * @return {@code true} if the file is valid
     */
    public boolean ok() {
        return problems.isEmpty();
    }
}

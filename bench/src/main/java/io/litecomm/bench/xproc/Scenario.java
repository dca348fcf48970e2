package io.litecomm.bench.xproc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One measurement of the suite, run once per round: the suite runs every scenario in turn, round
 * after round, so that each one samples the machine over the whole run rather than in one stretch,
 * and keeps the best run (lowest primary figure; highest for a rate).
 */
final class Scenario {

    final String name;
    /** Result field to results key; the first is the primary figure. */
    final Map<String, String> fields;
    private final Callable<Map<String, String>> body;
    private final String primary;
    private final boolean higherBetter;
    private final List<String> runs = new ArrayList<>();
    private Map<String, String> best;
    private String failure;

    Scenario(String name, Map<String, String> fields, Callable<Map<String, String>> body) {
        this.name = name;
        this.fields = fields;
        this.body = body;
        this.primary = fields.keySet().iterator().next();
        this.higherBetter = "rate".equals(primary);
    }

    /** Runs once; returns a line for the console. */
    String runOnce() {
        try {
            Map<String, String> r = body.call();
            for (String f : fields.keySet()) {
                if (r.get(f) == null) {
                    throw new IllegalStateException("no " + f + " in " + r);
                }
            }
            runs.add(r.get(primary));
            double v = Double.parseDouble(r.get(primary));
            double b = best == null ? Double.NaN : Double.parseDouble(best.get(primary));
            if (best == null || (higherBetter ? v > b : v < b)) {
                best = r;
            }
            StringBuilder line = new StringBuilder();
            fields.keySet().forEach(f -> line.append(f).append('=').append(r.get(f)).append(' '));
            return line + "(other processes: " + r.get("foreignCpus") + " CPU)";
        } catch (Exception e) {
            failure = String.valueOf(e.getMessage());
            runs.add("failed");
            return "NOT MEASURED: " + failure;
        }
    }

    /** Records the best run's fields, every run's primary figure and the disturbance, or why nothing was measured. */
    void record(Results results) {
        results.info("runs." + name, primary + ": " + (runs.isEmpty() ? "none" : String.join(", ", runs)));
        if (best == null) {
            String reason = failure == null ? "not run" : failure;
            fields.values().forEach(k -> results.fail(k, reason));
            return;
        }
        fields.forEach((f, key) -> results.put(key, Double.parseDouble(best.get(f))));
        results.put("noise." + name, Double.parseDouble(best.getOrDefault("foreignCpus", "0")));
    }
}

package io.litecomm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the failure policy so that nothing it does can stop the watcher. */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

    /** The default policy: one ERROR line with the stack trace. */
    static final FailureHandler LOGGING = new FailureHandler() {
        @Override
        public void onFailure(FailureContext context, Throwable failure) {
            LOG.error("{} failed: source={}{}{}", describe(context.kind()), context.source(),
                    context.handler().map(h -> " handler=" + h).orElse(""),
                    context.payload().map(p -> " length=" + p.length).orElse(""), failure);
        }

        @Override
        public String toString() {
            return "FailureHandler.logging()";
        }
    };

    private Failures() {
    }

    private static String describe(FailureContext.Kind kind) {
        return switch (kind) {
            case CHANNEL_HANDLER -> "channel handler";
            case DECODE -> "decoding a passive message";
            case SUBSCRIBER -> "pub/sub subscriber";
            case WATCHER -> "watcher task";
        };
    }

    /**
     * Tells the policy; whatever the policy throws is logged and dropped.
     *
     * @param policy the policy
     * @param context what failed
     * @param failure what was thrown
     */
    static void report(FailureHandler policy, FailureContext context, Throwable failure) {
        try {
            policy.onFailure(context, failure);
        } catch (Throwable broken) {
            try {
                LOG.error("failure handler threw: handler={} context={} failure={}", policy, context, failure, broken);
            } catch (Throwable ignored) {
                // nothing left to report with; the watcher must go on
            }
        }
    }
}

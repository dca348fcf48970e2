package io.litecomm.process;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of a managed child: every record becomes a {@link LogFrames} line on the
 * child's standard error (the file descriptor, whatever {@code System.err} is set to), which the
 * parent decodes and logs with the record's level, logger and message. {@link ChildMain} selects
 * it through the {@code slf4j.provider} system property; it is never found by service discovery,
 * so it never competes with an application's own provider. The threshold comes from the
 * environment variable {@value ChildCommand#ENV_LOG_LEVEL} (the parent passes the most verbose
 * level it logs the child at), INFO by default.
 */
public final class ChildLogProvider implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private ILoggerFactory factory;

    /** Created by SLF4J. */
    public ChildLogProvider() {
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        Level threshold = threshold(System.getenv(ChildCommand.ENV_LOG_LEVEL));
        ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        factory = name -> loggers.computeIfAbsent(name, n -> new FrameLogger(n, threshold));
    }

    static Level threshold(String name) {
        if (name == null || name.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    /** Writes whole lines (frames, or the bootstrap's own reports) to file descriptor 2, one at a time. */
    static final class Link {
        private static final OutputStream ERR = new FileOutputStream(FileDescriptor.err);

        private Link() {
        }

        static void write(String frame) {
            byte[] bytes = (frame + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (Link.class) {
                try {
                    ERR.write(bytes);
                    ERR.flush();
                } catch (IOException e) {
                    // the parent is gone or stopped reading: nowhere left to report to
                }
            }
        }
    }

    /** A logger that frames each record. */
    private static final class FrameLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Level threshold;

        FrameLogger(String name, Level threshold) {
            this.name = name;
            this.threshold = threshold;
        }

        private boolean enabled(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable throwable) {
            String message = String.valueOf(MessageFormatter.basicArrayFormat(pattern, args));
            if (throwable != null) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                message = message + System.lineSeparator() + trace.toString().stripTrailing();
            }
            Link.write(LogFrames.log(level, name, message));
        }
    }
}

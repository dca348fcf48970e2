package io.litecomm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Comm;
import io.litecomm.mapped.inspect.CorruptFormatException;
import io.litecomm.mapped.inspect.InspectedFile;
import io.litecomm.mapped.inspect.MailboxReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One run of a command: its arguments, where it writes, the domain it works on (a directory of
 * mapped files, or a URI of another transport such as {@code redis://}), and output helpers.
 */
final class Invocation {

    private final String command;
    private final Args args;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final Path domain;
    private final URI url;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    Invocation(String command, Args args, PrintStream out, PrintStream err, boolean terminal, Domains.Target target) {
        this.command = command;
        this.args = args;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.domain = target.directory() == null ? null : target.directory().toAbsolutePath().normalize();
        this.url = target.uri();
    }

    String command() {
        return command;
    }

    Args args() {
        return args;
    }

    PrintStream out() {
        return out;
    }

    /** Whether output goes to a terminal (then {@code stat} redraws the screen). */
    boolean terminal() {
        return terminal;
    }

    /** Whether {@code --json} was given. */
    boolean json() {
        return args.flag("--json");
    }

    /** Whether the domain is a directory of mapped files ({@code --dir}, a {@code file:} URI). */
    boolean files() {
        return domain != null;
    }

    /**
     * The domain directory, which may not exist.
     *
     * @throws Failure if the domain is not a directory (a {@code redis://} URI)
     */
    Path domain() {
        requireFiles("it works on the domain's files");
        return domain;
    }

    /**
     * The domain directory, which must exist.
     *
     * @throws Failure if it is missing, or the domain is not a directory
     */
    Path existingDomain() {
        return Domains.requireExisting(domain());
    }

    /**
     * Fails unless the domain is a directory of mapped files.
     *
     * @param why what the command does with the files, for the message
     * @throws Failure naming the command, the domain's URI and what works instead
     */
    void requireFiles(String why) {
        if (domain == null) {
            throw new Failure("needs a file: domain: uri=" + Domains.shown(url) + " (" + why
                    + "; on this domain ls, stat, send, recv, close, rm, kv, pub and sub work through the API)");
        }
    }

    /** The domain for messages: its directory, or its URI without a password. */
    String location() {
        return domain != null ? domain.toString() : Domains.shown(url);
    }

    /** The domain for a {@code name=value} message: {@code dir=DIR} or {@code uri=URI}, password hidden. */
    String where() {
        return domain != null ? "dir=" + domain : "uri=" + Domains.shown(url);
    }

    /**
     * Opens the domain through the public API: {@code Comm.open(DIR)} or {@code Comm.open(URI)}; a
     * directory is created if needed.
     *
     * @return the domain; close it
     * @throws Failure if no transport serves the URI or it is malformed (password hidden)
     */
    Comm open() {
        if (domain != null) {
            return Comm.open(domain);
        }
        try {
            return Comm.open(url);
        } catch (IllegalArgumentException e) {
            throw new Failure(Domains.scrub(e.getMessage(), url), e);
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /**
     * Prints one line and flushes, so a reader of a pipe sees it at once.
     *
     * @throws OutputClosed if nobody reads the output any more (e.g. {@code litecomm tail x | head -1})
     */
    void println(String line) {
        out.println(line);
        out.flush();
        if (out.checkError()) {
            throw new OutputClosed();
        }
    }

    /**
     * Standard output is gone (its reader exited, as {@code head} does): the command stops writing
     * and the tool exits with {@link LitecommCli#OK}, saying nothing, as a Unix filter does.
     */
    static final class OutputClosed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputClosed() {
            super("output closed", null, false, false);
        }
    }

    /** Prints one JSON document on one line. */
    void printJson(JsonNode node) {
        try {
            println(mapper.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message for the user on standard error, prefixed with the tool and command names. */
    void note(String message) {
        err.println("litecomm: " + command + ": " + message);
        err.flush();
    }

    /**
     * Opens a channel's file read-only, translating the ways it can fail into messages.
     *
     * @param name the channel
     * @return the view; close it
     * @throws Failure if there is no such channel or its file is damaged or refused
     */
    MailboxReader openChannel(String name) {
        Path file = Domains.channelFile(existingDomain(), name);
        try {
            return MailboxReader.open(file);
        } catch (NoSuchFileException e) {
            throw new Failure("no such channel: channel=" + name + " " + where());
        } catch (CorruptFormatException e) {
            throw new Failure("corrupt file: " + e.location() + ": " + e.problem(), e);
        } catch (InspectedFile.RefusedException e) {
            throw new Failure(e.getMessage(), e);
        } catch (IOException e) {
            throw new Failure("cannot read channel: file=" + file + " cause=" + e, e);
        }
    }
}

package io.litecomm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.mapped.inspect.DomainFiles;
import io.litecomm.mapped.inspect.Findings;
import io.litecomm.mapped.inspect.MailboxCheck;
import io.litecomm.mapped.inspect.PubSubCheck;
import io.litecomm.mapped.inspect.StoragePageCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** {@code litecomm check}: validates every litecomm file of a domain, read-only, and reports what is wrong. */
final class CheckCommand implements Command {

    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "validate every file of the domain, report corruption";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm check [--dir DIR] [--json]

                Validates, read-only, the domain directory (owner, mode, not a link) and every
                litecomm file in it:
                  *.chan        the header rules of docs/FORMAT.md 6.3, then every record between
                                head and tail (tags, check words, lengths, padding)
                  storage.page  header, slots, and every record of the active slot (CRC-32C,
                                JSON, versions)
                  pubsub.ring   header, counters, and the chain of records ending at the tail
                Each problem is printed with the file it was found in ("CORRUPT FILE: PROBLEM",
                with the position and file offset of a damaged record, or the header field);
                an uncommitted record that no producer claims is damage (bytes written over
                unread records: 'litecomm salvage' copies the intact records after it). Notes
                ("note FILE: ...") report what is not damage, such as a send in progress or a
                producer that died mid-message. Channels are checked while processes use them;
                the shared-memory files are read with their writers held off meanwhile (after
                waiting at most 1 s for a writer in progress).

                --json prints one document: {"domain", "ok", "problems", "files": [{"file",
                "kind", "ok", "summary", "problems", "notes"}]}.

                check reads mapped files, so it needs a file: domain; on a redis:// domain it says
                so and exits with 1.

                Exit status: 0 everything is valid; 1 a file is corrupt or refused, no such
                domain, or not a file: domain; 2 usage error.
                """;
    }

    @Override
    public int execute(Invocation invocation) throws IOException {
        invocation.args().noMoreThan(0);
        invocation.requireFiles("check validates the domain's mapped files; a redis:// domain has none,"
                + " and its scripts check every write");
        Path dir = invocation.existingDomain();
        List<FileReport> reports = new ArrayList<>();
        reports.add(checkDirectory(dir));
        for (String name : Domains.channelNames(dir)) {
            reports.add(check(Domains.fileOf(dir, name), "channel", MailboxCheck::check));
        }
        Path page = dir.resolve(DomainFiles.STORAGE_PAGE);
        if (Files.exists(page, LinkOption.NOFOLLOW_LINKS)) {
            reports.add(check(page, "shared memory page", StoragePageCheck::check));
        }
        Path ring = dir.resolve(DomainFiles.PUBSUB_RING);
        if (Files.exists(ring, LinkOption.NOFOLLOW_LINKS)) {
            reports.add(check(ring, "pub/sub ring", PubSubCheck::check));
        }
        int bad = (int) reports.stream().filter(report -> !report.ok()).count();
        try {
            if (invocation.json()) {
                printJson(invocation, dir, reports, bad);
            } else {
                print(invocation, dir, reports, bad);
            }
        } catch (Invocation.OutputClosed e) {
            // the verdict outlives a reader that went away (litecomm check | head -1)
            if (bad == 0) {
                throw e;
            }
        }
        return bad == 0 ? LitecommCli.OK : LitecommCli.FAILURE;
    }

    /** Checks a file's attributes, then its format with the transport's own reader. */
    private static FileReport check(Path file, String kind, BiConsumer<Path, Findings> format) {
        FileReport report = new FileReport(file, kind);
        if (report.checkAttributes()) {
            format.accept(file, report.findings());
        }
        return report;
    }

    private static FileReport checkDirectory(Path dir) throws IOException {
        FileReport report = new FileReport(dir, "domain directory");
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            return report.problem("refused: the domain directory is a symbolic link");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int self = FileReport.selfUid();
        if (owner != self) {
            report.problem("refused: owned by another user: owner=" + owner + " uid=" + self);
        }
        if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            report.problem("refused: writable by group or others: mode="
                    + PosixFilePermissions.toString(attributes.permissions()));
        }
        report.summary("mode " + PosixFilePermissions.toString(attributes.permissions()));
        return report;
    }

    private static void print(Invocation invocation, Path dir, List<FileReport> reports, int bad) {
        for (FileReport report : reports) {
            for (String problem : report.problems()) {
                invocation.println("CORRUPT  " + report.file() + ": " + problem);
            }
            if (report.ok()) {
                invocation.println("ok       " + report.file() + (report.summary().isEmpty() ? "" : ": " + report.summary()));
            }
            for (String note : report.notes()) {
                invocation.println("note     " + report.file() + ": " + note);
            }
        }
        invocation.println("checked " + reports.size() + " files in " + dir + ": "
                + (bad == 0 ? "all valid" : bad + (bad == 1 ? " file has problems" : " files have problems")));
    }

    private static void printJson(Invocation invocation, Path dir, List<FileReport> reports, int bad) {
        ObjectNode root = invocation.object();
        root.put("domain", dir.toString());
        root.put("ok", bad == 0);
        root.put("problems", bad);
        ArrayNode files = root.putArray("files");
        for (FileReport report : reports) {
            ObjectNode node = files.addObject();
            node.put("file", report.file().toString());
            node.put("kind", report.kind());
            node.put("ok", report.ok());
            node.put("summary", report.summary());
            ArrayNode problems = node.putArray("problems");
            report.problems().forEach(problems::add);
            ArrayNode notes = node.putArray("notes");
            report.notes().forEach(notes::add);
        }
        invocation.printJson(root);
    }
}

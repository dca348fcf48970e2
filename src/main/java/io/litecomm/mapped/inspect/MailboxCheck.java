package io.litecomm.mapped.inspect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a mailbox file: the header rules of {@code docs/FORMAT.md} 6.3 (the checks
 * {@code MailboxFile.validate} makes), then a read-only walk of every record between head and
 * tail. Senders and receivers take no lock, so a walk that races with them is simply repeated.
 */
public final class MailboxCheck {

    private static final int ATTEMPTS = 8;

    private MailboxCheck() {
    }

    /**
     * Checks a mailbox file.
     *
     * @param file the file
     * @param report receives problems, notes and the summary
     */
    public static void check(Path file, Findings report) {
        try (MailboxReader view = MailboxReader.open(file)) {
            walk(view, report);
        } catch (CorruptFormatException e) {
            report.problem(e.problem());
        } catch (IOException e) {
            report.problem("cannot read: " + e.getMessage());
        }
    }

    private static void walk(MailboxReader view, Findings report) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long head = view.head();
            long tail = view.tail();
            long position = head;
            int messages = 0;
            MailboxReader.Slot stop = null;
            while (position < tail) {
                MailboxReader.Slot slot = view.peek(position, false);
                if (slot.kind() == MailboxReader.Kind.MESSAGE || slot.kind() == MailboxReader.Kind.PADDING) {
                    messages += slot.kind() == MailboxReader.Kind.MESSAGE ? 1 : 0;
                    position = slot.next();
                    continue;
                }
                stop = slot;
                break;
            }
            if (stop != null && raced(view, stop)) {
                continue;
            }
            if (stop != null && stop.kind() == MailboxReader.Kind.CORRUPT) {
                report.problem(stop.problem());
            } else if (stop != null && stop.kind() == MailboxReader.Kind.PENDING) {
                String unclaimed = view.unclaimedProblem(stop.position());
                if (unclaimed != null) {
                    report.problem(unclaimed);
                } else if (raced(view, stop)) {
                    continue;
                } else {
                    report.note(pendingNote(view, stop.position()));
                }
            }
            report.summary(view.header().typeDescriptor() + ", capacity " + view.capacity() + ", " + messages
                    + (messages == 1 ? " message" : " messages") + (stop == null ? "" : " before position " + stop.position())
                    + (view.closed() ? ", closed" : ""));
            return;
        }
        report.note("records kept moving during " + ATTEMPTS + " walks: only the header was checked");
        report.summary(view.header().typeDescriptor() + ", capacity " + view.capacity());
    }

    /** Whether a stop in the walk is only a race with receivers or senders, worth another walk. */
    private static boolean raced(MailboxReader view, MailboxReader.Slot stop) {
        return switch (stop.kind()) {
            case OVERWRITTEN -> true;
            case CORRUPT -> view.head() > stop.position()
                    || view.peek(stop.position(), false).kind() != MailboxReader.Kind.CORRUPT;
            case PENDING -> view.peek(stop.position(), false).kind() != MailboxReader.Kind.PENDING;
            default -> false;
        };
    }

    private static String pendingNote(MailboxReader view, long position) {
        List<MailboxReader.Claim> claims = view.claimsCovering(position);
        if (claims.isEmpty()) {
            return "an uncommitted record at position " + position + " was committed or claimed meanwhile";
        }
        MailboxReader.Claim claim = claims.get(0);
        if (claims.stream().anyMatch(MailboxReader.Claim::alive)) {
            return "a send is in progress at position " + position + " (producer pid " + claim.pid() + ")";
        }
        return "a producer (pid " + claim.pid() + ") died while sending at position " + position
                + ": receivers skip its claim after the recovery bound";
    }
}

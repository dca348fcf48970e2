#!/usr/bin/env bash
# Tries the package arrows of import-control.xml: copies checkstyle.xml, import-control.xml, pom.xml
# and src/main/java of this checkout into a temporary directory, adds one probe class per package
# below with imports that must be refused (no) or accepted (ok), runs the checkstyle of the build
# there, and compares its ImportControl verdicts on the probes with the expected ones. Violations in
# the real sources are listed too (they fail mvn verify). Not part of the default build.
#
#   scripts/import-control-probe.sh        exit 0 when every probe got the expected verdict
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/checkstyle.xml" "$ROOT/import-control.xml" "$ROOT/pom.xml" "$WORK/"
mkdir -p "$WORK/src/main"
cp -r "$ROOT/src/main/java" "$WORK/src/main/java"

# package | import (static imports start with "static ") | expected verdict
PROBES='
io.litecomm|io.litecomm.mapped.mailbox.Mailbox|no
io.litecomm|io.litecomm.mapped.MappedTransport|no
io.litecomm|io.litecomm.mem.MemTransport|no
io.litecomm|io.litecomm.redis.RedisTransport|no
io.litecomm|io.litecomm.cli.Main|no
io.litecomm|io.litecomm.spi.TransportProvider|ok
io.litecomm|io.litecomm.codec.JsonCodec|ok
io.litecomm|io.litecomm.dispatch.IdleStrategy|ok
io.litecomm|io.litecomm.process.ChildSpec|ok
io.litecomm|io.litecomm.CommOptions.Builder|ok
io.litecomm|static io.litecomm.Comm.current|ok
io.litecomm|javax.management.ObjectName|ok
io.litecomm.spi|io.litecomm.Comm|no
io.litecomm.spi|io.litecomm.codec.JsonCodec|no
io.litecomm.spi|io.litecomm.mapped.file.FileLocks|no
io.litecomm.spi|org.slf4j.Logger|no
io.litecomm.spi|com.fasterxml.jackson.databind.JsonNode|ok
io.litecomm.codec|io.litecomm.spi.MessageQueue|no
io.litecomm.codec|com.fasterxml.jackson.databind.ObjectMapper|ok
io.litecomm.dispatch|io.litecomm.Comm|no
io.litecomm.dispatch|io.litecomm.mapped.mailbox.Doorbells|no
io.litecomm.dispatch|io.litecomm.spi.MessageQueue|ok
io.litecomm.process|io.litecomm.Comm|no
io.litecomm.process|io.litecomm.mapped.file.DomainDirectory|no
io.litecomm.process|org.slf4j.spi.SLF4JServiceProvider|ok
io.litecomm.cli|io.litecomm.mapped.file.FileLocks|no
io.litecomm.cli|io.litecomm.mapped.mailbox.MailboxTransport|no
io.litecomm.cli|io.litecomm.mapped.store.StoragePage|no
io.litecomm.cli|io.litecomm.mapped.MappedTransport|no
io.litecomm.cli|io.litecomm.spi.CorruptStorageException|no
io.litecomm.cli|io.litecomm.dispatch.IdleStrategy|no
io.litecomm.cli|io.litecomm.Comm|ok
io.litecomm.cli|io.litecomm.CommOptions.Builder|ok
io.litecomm.cli|io.litecomm.codec.JsonCodec|ok
io.litecomm.cli|io.litecomm.mapped.inspect.MailboxLayout|ok
io.litecomm.cli|static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH|ok
io.litecomm.mapped|io.litecomm.Comm|no
io.litecomm.mapped|io.litecomm.mem.MemTransport|no
io.litecomm.mapped|io.litecomm.mapped.mailbox.MailboxTransport|ok
io.litecomm.mapped|io.litecomm.mapped.store.MappedSharedStore|ok
io.litecomm.mapped|io.litecomm.spi.TransportProvider|ok
io.litecomm.mapped.file|io.litecomm.mapped.inspect.FormatCheck|no
io.litecomm.mapped.file|io.litecomm.mapped.mailbox.Mailbox|no
io.litecomm.mapped.file|io.litecomm.mapped.MappedTransport|no
io.litecomm.mapped.file|io.litecomm.spi.TransportException|ok
io.litecomm.mapped.inspect|io.litecomm.mapped.mailbox.Mailbox|no
io.litecomm.mapped.inspect|io.litecomm.mapped.store.StoragePage|no
io.litecomm.mapped.inspect|io.litecomm.mapped.file.FileLocks|ok
io.litecomm.mapped.mailbox|io.litecomm.mapped.store.StoragePage|no
io.litecomm.mapped.mailbox|io.litecomm.Comm|no
io.litecomm.mapped.mailbox|io.litecomm.mapped.MappedTransport|no
io.litecomm.mapped.mailbox|io.litecomm.mapped.inspect.MailboxLayout|ok
io.litecomm.mapped.mailbox|io.litecomm.mapped.file.FileLocks|ok
io.litecomm.mapped.mailbox|io.litecomm.dispatch.IdleStrategy|ok
io.litecomm.mapped.mailbox|org.slf4j.Logger|ok
io.litecomm.mapped.store|io.litecomm.mapped.mailbox.Mailbox|no
io.litecomm.mapped.store|static io.litecomm.mapped.mailbox.Mailbox.HEADER|no
io.litecomm.mapped.store|io.litecomm.mapped.inspect.StoragePageLayout|ok
io.litecomm.mapped.store|com.fasterxml.jackson.databind.JsonNode|ok
io.litecomm.mem|io.litecomm.mapped.file.FileLocks|no
io.litecomm.mem|io.litecomm.Comm|no
io.litecomm.mem|io.litecomm.spi.MessageQueue|ok
io.litecomm.redis|io.litecomm.mem.MemTransport|no
io.litecomm.redis|io.litecomm.mapped.inspect.MailboxLayout|no
io.litecomm.redis|redis.clients.jedis.Jedis|ok
io.litecomm.redis|io.litecomm.spi.SharedStore|ok
'

# one probe file per package; expected verdicts keyed by file and line
EXPECT="$WORK/expected"
: > "$EXPECT"
for pkg in $(printf '%s\n' "$PROBES" | awk -F'|' 'NF == 3 {print $1}' | sort -u); do
  dir="$WORK/src/main/java/${pkg//.//}"
  file="$dir/ImportProbe.java"
  mkdir -p "$dir"
  { echo "package $pkg;"; echo; } > "$file"
  line=3
  while IFS='|' read -r p imp verdict; do
    [ "$p" = "$pkg" ] || continue
    echo "import $imp;" >> "$file"
    echo "${file#"$WORK"/}:$line|$imp|$verdict" >> "$EXPECT"
    line=$((line + 1))
  done <<< "$PROBES"
  printf '\n/** Probe. */\nfinal class ImportProbe {\n}\n' >> "$file"
done

(cd "$WORK" && mvn -B -o -q checkstyle:check > "$WORK/checkstyle.log" 2>&1) || true
grep -q 'ImportControl' "$WORK/checkstyle.log" || { cat "$WORK/checkstyle.log" >&2; echo "checkstyle reported no ImportControl verdict" >&2; exit 2; }

fail=0
while IFS='|' read -r where imp verdict; do
  file=${where%:*}
  line=${where##*:}
  if grep -qF "$file:[$line,1] (imports) ImportControl" "$WORK/checkstyle.log"; then got=no; else got=ok; fi
  if [ "$got" = "$verdict" ]; then mark=pass; else mark=FAIL; fail=1; fi
  printf '%-4s %-28s import %-58s expected %-2s got %s\n' "$mark" "${file#src/main/java/}" "$imp" "$verdict" "$got"
done < "$EXPECT"

echo "== wrong-way imports in the real sources (they fail mvn verify):"
grep -F '(imports) ImportControl' "$WORK/checkstyle.log" | grep -v 'ImportProbe.java' | sed 's/^\[ERROR\] //' || echo "none"
exit "$fail"

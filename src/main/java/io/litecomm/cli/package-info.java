/**
 * The {@code litecomm} command-line tool: inspect a domain (channels, shared memory, file
 * health), watch it live, and send, receive, close and delete from the shell. Entry point:
 * {@link io.litecomm.cli.LitecommCli}. Inspection commands map files read-only and never change
 * them; the others go through the public API. On a domain without files ({@code redis://}, given
 * with {@code --url} or {@code $LITECOMM_URL}) every command goes through the public API, and the
 * ones that read files ({@code tail}, {@code check}, {@code salvage}) say that they need a
 * {@code file:} domain.
 */
package io.litecomm.cli;

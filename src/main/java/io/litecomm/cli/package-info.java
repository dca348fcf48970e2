/**
 * The {@code litecomm} command-line tool: inspect a domain (channels, shared memory, file
 * health), watch it live, and send, receive, close and delete from the shell. Entry point:
 * {@link io.litecomm.cli.LitecommCli}. Inspection commands map files read-only and never change
 * them; the others go through the public API.
 */
package io.litecomm.cli;

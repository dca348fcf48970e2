/**
 * Child JVMs: building their command line, launching and supervising them (graceful then forced
 * stop, restart with bounded back-off), forwarding their output to SLF4J, and the bootstrap that
 * runs first in a managed child (JUL to SLF4J, exit when the parent dies).
 */
package io.litecomm.process;

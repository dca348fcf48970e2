/**
 * Child JVMs: working out how a child's JVM finds its classes (class path, module path, a script
 * of the source launcher, a class loader's class path), launching and supervising children
 * (readiness handshake, stop over the standard-input link then forced, restart with bounded
 * back-off), the bootstrap that runs first in a child (its SLF4J provider that frames records for
 * the parent, JUL to SLF4J, exit when the parent dies), and forwarding their output with bounded
 * lines.
 */
package io.litecomm.process;

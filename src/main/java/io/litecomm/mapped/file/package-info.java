/**
 * File plumbing shared by the mapped transport's wings: the domain directory, JVM-shared
 * {@code FileLock}s and zero-filled growth.
 */
package io.litecomm.mapped.file;

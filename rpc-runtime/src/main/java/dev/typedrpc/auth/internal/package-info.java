/** Internals of {@link dev.typedrpc.auth}: not API, may change in any release. */
package dev.typedrpc.auth.internal;

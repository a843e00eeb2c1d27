/**
 * Authentication and rate limits for typedrpc servers and clients, built on interceptors: an {@link
 * dev.typedrpc.auth.Authenticator} turns a call's credentials (a bearer token or API key in the
 * {@code authorization} metadata, a mutual-TLS client certificate) into a {@link
 * dev.typedrpc.auth.Principal}; {@link dev.typedrpc.auth.Authentication} installs it on a server;
 * {@link dev.typedrpc.auth.CallCredentials} attaches credentials on a client; {@link
 * dev.typedrpc.auth.RateLimits} bounds what each principal may call. See {@code docs/AUTH.md}.
 */
package dev.typedrpc.auth;

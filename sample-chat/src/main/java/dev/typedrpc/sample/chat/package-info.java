/**
 * The sample chat: {@link dev.typedrpc.sample.chat.ChatService} is the schema, {@link
 * dev.typedrpc.sample.chat.ChatServer} serves it and {@link dev.typedrpc.sample.chat.ChatClient} is
 * the terminal.
 */
package dev.typedrpc.sample.chat;

package dev.typedrpc.sample.chat;

/** Issues dev-mode tokens ({@link Accounts#issue}) for names no one in the chat uses. */
final class ChatSignInServer implements ChatSignIn {
  private final Accounts accounts;
  private final ChatServer chat;

  ChatSignInServer(Accounts accounts, ChatServer chat) {
    this.accounts = accounts;
    this.chat = chat;
  }

  @Override
  public String signIn(String user) {
    return accounts.issue(ChatServer.checkUser(user), chat::isOnline);
  }
}

package dev.typedrpc.sample.chat;

/** Issues dev-mode tokens ({@link Accounts#issue}) for names no one in the chat uses. */
final class SignInServer implements SignInService {
  private final Accounts accounts;
  private final ChatServer chat;

  SignInServer(Accounts accounts, ChatServer chat) {
    this.accounts = accounts;
    this.chat = chat;
  }

  @Override
  public String signIn(String user) {
    return accounts.issue(ChatServer.checkUser(user), chat::isOnline);
  }
}

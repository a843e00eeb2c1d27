package dev.typedrpc.presence;

import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import dev.typedrpc.presence.internal.AbstractHandle;
import dev.typedrpc.presence.internal.TopicView;
import dev.typedrpc.presence.internal.Topics;
import dev.typedrpc.presence.internal.Watcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Presence held in this process: for a single server node (the {@code rpc-redis} module shares it
 * between nodes). One daemon thread expires members whose heartbeats stopped. Thread-safe.
 *
 * <pre>{@code
 * Presence presence = InMemoryPresence.create();
 * // in a server-streaming method: the caller is a member for as long as its call lives
 * PresenceHandle me = presence.join("room-1", Member.online(user), RpcContext.current());
 * return me.closeWhenDone(presence.watch("room-1"));
 * }</pre>
 */
public final class InMemoryPresence implements Presence {
  private final PresenceOptions options;
  private final ScheduledExecutorService timer;
  private final Map<String, TopicView> views = new HashMap<>(); // guarded by this
  private final Map<String, Map<String, Handle>> owners = new HashMap<>(); // guarded by this
  private int watchers; // guarded by this
  private boolean closed; // guarded by this

  private InMemoryPresence(PresenceOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "typedrpc-presence-expiry");
              t.setDaemon(true);
              return t;
            });
    long every = options.refreshInterval().toNanos();
    var unused = timer.scheduleWithFixedDelay(this::expire, every, every, TimeUnit.NANOSECONDS);
  }

  /** A presence with {@link PresenceOptions#DEFAULT}. */
  public static InMemoryPresence create() {
    return create(PresenceOptions.DEFAULT);
  }

  public static InMemoryPresence create(PresenceOptions options) {
    return new InMemoryPresence(options);
  }

  @Override
  public PresenceHandle join(String topic, Member member, RpcContext call) {
    Objects.requireNonNull(call, "call");
    Handle handle = add(topic, member, true);
    call.addCancelListener(handle::close);
    return handle;
  }

  @Override
  public PresenceHandle join(String topic, Member member) {
    return add(topic, member, false);
  }

  /** The members of {@code topic} now. */
  public List<Member> members(String topic) {
    Topics.check(topic);
    TopicView view;
    synchronized (this) {
      view = views.get(topic);
    }
    return view == null ? List.of() : view.members();
  }

  private Handle add(String topic, Member member, boolean callTied) {
    Topics.check(topic);
    Objects.requireNonNull(member, "member");
    Handle handle = new Handle(topic, member, callTied);
    Runnable deliver;
    synchronized (this) {
      if (closed) {
        throw Status.UNAVAILABLE.withDescription("presence is closed").asException();
      }
      TopicView view = viewForAdding(topic);
      Map<String, Handle> topicOwners = owners.computeIfAbsent(topic, t -> new HashMap<>());
      Handle previous = topicOwners.get(member.id());
      if (previous == null && topicOwners.size() >= options.maxMembersPerTopic()) {
        dropIfEmpty(topic, view);
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(
                "topic " + topic + " has " + options.maxMembersPerTopic() + " members, the most")
            .asException();
      }
      if (previous != null) {
        previous.supersede();
      }
      topicOwners.put(member.id(), handle);
      deliver = view.apply(PresenceEvent.Kind.JOIN, member);
    }
    deliver.run();
    return handle;
  }

  @Override
  public Flow.Publisher<PresenceEvent> watch(String topic) {
    Topics.check(topic);
    return subscriber -> subscribe(topic, subscriber);
  }

  private void subscribe(String topic, Flow.Subscriber<? super PresenceEvent> subscriber) {
    Watcher watcher;
    RuntimeException refused = null;
    synchronized (this) {
      TopicView view = null;
      if (closed) {
        refused = Status.UNAVAILABLE.withDescription("presence is closed").asException();
      } else if (watchers >= options.maxWatchers()) {
        refused =
            Status.RESOURCE_EXHAUSTED
                .withDescription(options.maxWatchers() + " watchers, the most")
                .asException();
      } else {
        try {
          view = viewForAdding(topic);
        } catch (RuntimeException e) {
          refused = e;
        }
      }
      if (view == null) {
        watcher = new Watcher(subscriber, 1, () -> {});
      } else {
        TopicView v = view;
        Watcher[] self = new Watcher[1];
        watcher = new Watcher(subscriber, options.watcherBuffer(), () -> remove(v, self[0]));
        self[0] = watcher;
        watchers++;
        view.addWatcher(watcher);
      }
    }
    watcher.start();
    if (refused != null) {
      watcher.finish(refused);
    }
  }

  private void remove(TopicView view, Watcher watcher) {
    synchronized (this) {
      if (view.removeWatcher(watcher)) {
        watchers--;
        dropIfEmpty(view.topic(), view);
      }
    }
  }

  /** The view of {@code topic}, created if the topic limit allows; under this lock. */
  private TopicView viewForAdding(String topic) {
    TopicView view = views.get(topic);
    if (view == null) {
      if (views.size() >= options.maxTopics()) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(options.maxTopics() + " topics, the most")
            .asException();
      }
      view = new TopicView(topic, true);
      views.put(topic, view);
    }
    return view;
  }

  private void dropIfEmpty(String topic, TopicView view) {
    if (view.isEmpty() && views.get(topic) == view) {
      views.remove(topic);
      owners.remove(topic);
    }
  }

  private void expire() {
    long now = System.nanoTime();
    long ttl = options.ttl().toNanos();
    List<Handle> expired = new ArrayList<>();
    synchronized (this) {
      for (Map<String, Handle> topicOwners : owners.values()) {
        for (Handle h : topicOwners.values()) {
          if (h.isExpired(now, ttl)) {
            expired.add(h);
          }
        }
      }
    }
    expired.forEach(Handle::close);
  }

  @Override
  public void close() {
    List<TopicView> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      owners.values().forEach(o -> o.values().forEach(Handle::supersede));
      owners.clear();
      all = new ArrayList<>(views.values());
      views.clear();
      watchers = 0;
    }
    timer.shutdownNow();
    for (TopicView v : all) {
      v.finishAll(null);
    }
  }

  private final class Handle extends AbstractHandle {
    Handle(String topic, Member member, boolean callTied) {
      super(topic, member, callTied);
    }

    @Override
    protected void onUpdate(Member member) {
      Runnable deliver;
      synchronized (InMemoryPresence.this) {
        TopicView view = ownedView();
        if (view == null) {
          return;
        }
        deliver = view.apply(PresenceEvent.Kind.UPDATE, member);
      }
      deliver.run();
    }

    @Override
    protected void onClose(Member member) {
      Runnable deliver;
      synchronized (InMemoryPresence.this) {
        TopicView view = ownedView();
        if (view == null) {
          return;
        }
        owners.get(topic()).remove(member.id());
        deliver = view.apply(PresenceEvent.Kind.LEAVE, member);
        dropIfEmpty(topic(), view);
      }
      deliver.run();
    }

    /** The topic's view if this handle still owns its member; under the presence's lock. */
    private TopicView ownedView() {
      Map<String, Handle> topicOwners = owners.get(topic());
      if (topicOwners == null || topicOwners.get(member().id()) != this) {
        return null;
      }
      return views.get(topic());
    }
  }
}

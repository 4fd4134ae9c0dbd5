import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs mongo-java-server as a standalone process, since the library ships no main class.
 * Usage: StorebenchMongoServer <host> <port> <memory | h2:/path/to/file.mv>
 * With h2:, a write asking for the journal is on disk (committed and fsynced) before it is acknowledged.
 * Prints one "listening on host:port" line once bound; shuts down cleanly on SIGTERM.
 */
public final class StorebenchMongoServer {
  private static final MongoVersion WIRE_4_4 =
      new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
          return 9;
        }
      };

  /**
   * The H2 backend honouring journaled writes: its MVStore otherwise writes changes to the file about once a
   * second (and never fsyncs), so a crash lost writes acknowledged with {j: true}. A write command whose write
   * concern asks for the journal (j: true, or w: "majority", which implies it on a real replica set) is answered
   * only after an MVStore commit and an fsync that include it. Concurrent writers share one commit and fsync
   * (group commit): each takes a sequence number after its write, and a commit covers every number taken
   * before it began.
   */
  static final class JournaledH2Backend extends H2Backend {
    private static final Set<String> WRITE_COMMANDS =
        Set.of(
            "insert", "update", "delete", "findandmodify", "create", "createindexes", "drop",
            "dropindexes", "dropdatabase", "renamecollection");
    private final AtomicLong writes = new AtomicLong();
    private final Object commitLock = new Object();
    private long durableUpTo; // guarded by commitLock

    JournaledH2Backend(String fileName) {
      super(fileName);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      Document answer = super.handleCommand(channel, database, command, query);
      if (WRITE_COMMANDS.contains(command.toLowerCase(Locale.ROOT)) && asksForJournal(query)) {
        commitDurably(writes.incrementAndGet());
      }
      return answer;
    }

    private static boolean asksForJournal(Document query) {
      if (!(query.get("writeConcern") instanceof Document concern)) return false;
      return Boolean.TRUE.equals(concern.get("j")) || "majority".equals(concern.get("w"));
    }

    private void commitDurably(long sequence) {
      synchronized (commitLock) {
        if (durableUpTo >= sequence) return; // a commit that began after our write already covered it
        long upTo = writes.get();
        getMvStore().commit();
        getMvStore().sync();
        durableUpTo = upTo;
      }
    }

    @Override
    public Document getServerStatus() {
      Document status = super.getServerStatus();
      status.put("storageEngine", new Document("name", "H2 MVStore, journaled writes fsynced").append("persistent", true));
      return status;
    }
  }

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: StorebenchMongoServer <host> <port> <memory | h2:/path/file.mv>");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String storage = args[2];
    MongoBackend backend;
    if (storage.equals("memory")) {
      backend = new MemoryBackend();
    } else if (storage.startsWith("h2:")) {
      backend = new JournaledH2Backend(storage.substring(3));
    } else {
      throw new IllegalArgumentException("unknown storage: " + storage);
    }
    // Its newest built-in version (MONGO_5_0) still reports wire version 8, and the mongodb@7 Node driver
    // refuses anything below 9 (MongoDB 4.4); so it announces 4.4 / wire 9, the lowest that driver accepts.
    backend.version(WIRE_4_4);
    MongoServer server = new MongoServer(backend);
    server.bind(host, port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    System.out.println("listening on " + host + ":" + port + " storage=" + storage);
    System.out.flush();
  }
}

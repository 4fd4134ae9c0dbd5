import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;

/**
 * Runs mongo-java-server as a standalone process, since the library ships no main class.
 * Usage: StorebenchMongoServer <host> <port> <memory | h2:/path/to/file.mv>
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
      backend = new H2Backend(storage.substring(3));
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

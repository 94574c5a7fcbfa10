package trichain.db;

import java.lang.reflect.Field;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;

/** H2Database whose collections stream their documents (see StreamingH2Collection); same maps, same file format. */
final class StreamingH2Database extends H2Database {

    StreamingH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
        super(databaseName, mvStore, cursorRegistry);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        // The same map names as H2Database.openOrCreateCollection ("databases." / "meta." + namespace),
        // so files written by the stock backend open unchanged.
        MVStore store = storeOf(this);
        String fullName = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> dataMap = store.openMap("databases." + fullName);
        MVMap<String, Object> metaMap = store.openMap("meta." + fullName);
        return new StreamingH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    /**
     * H2Database keeps its store private, and this method runs from H2Database's own constructor (before
     * any field of this subclass is set), so the store is read from the superclass's field.
     */
    private static MVStore storeOf(H2Database database) {
        try {
            Field field = H2Database.class.getDeclaredField("mvStore");
            field.setAccessible(true);
            return (MVStore) field.get(database);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mongo-java-server's H2Database has no mvStore field any more", e);
        }
    }
}

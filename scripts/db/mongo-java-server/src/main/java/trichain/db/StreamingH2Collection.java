package trichain.db;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.TrichainProjection;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;

/**
 * H2Collection that never holds a whole collection in the heap.
 *
 * Stock mongo-java-server 1.47.0 materialises every query result before the first batch is sent, and every
 * aggregation starts from a list of ALL the collection's documents (Aggregation.runStages → queryAll). With
 * ~500k activities that list alone filled a 1 GB heap and the server stalled in full GCs (measured; see
 * docs/database-compat.md, Capacity). Here:
 * - an aggregation reads the collection as a lazy stream, so `$match` drops documents as they are read;
 * - an unsorted find with a batch size returns its first batch and keeps a lazy cursor for getMore.
 * Both read an MVStore snapshot; the version they read is pinned (DurableH2Backend per command,
 * StreamingCursor per cursor) so background compaction can't free its chunks mid-read ("Chunk N not found").
 */
final class StreamingH2Collection extends H2Collection {

    private final MVMap<Object, Document> dataMap;

    StreamingH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                          MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        this.dataMap = dataMap;
    }

    /** Lazy: consumed inside the aggregate command, whose store version DurableH2Backend pins. */
    @Override
    public Stream<Document> queryAllAsStream() {
        return dataMap.values().stream();
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        // A sort needs every match anyway, and batchSize 0 means "all in one reply" (also what the server's own
        // update/delete paths ask for): those keep the stock, materialising behaviour.
        if (batchSize <= 0 || (orderBy != null && !orderBy.isEmpty())) {
            return super.matchDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        MVStore store = dataMap.getStore();
        MVStore.TxCounter pin = store.registerVersionUsage(); // before the snapshot below is taken
        // Own matcher: the collection's matcher remembers positional matches for updates, and getMore runs
        // outside the collection's lock.
        DefaultQueryMatcher matcher = new DefaultQueryMatcher();
        Stream<Document> stream = dataMap.values().stream().filter(document -> matcher.matches(document, query));
        if (numberToSkip > 0) {
            stream = stream.skip(numberToSkip);
        }
        if (limit > 0) {
            stream = stream.limit(limit);
        }
        if (fieldSelector != null && !fieldSelector.isEmpty()) {
            TrichainProjection projection = new TrichainProjection(fieldSelector, getIdField());
            stream = stream.map(projection::project);
        }
        Iterator<Document> iterator = stream.iterator();
        List<Document> firstBatch;
        try {
            firstBatch = take(iterator, batchSize);
            if (!iterator.hasNext()) {
                store.deregisterVersionUsage(pin);
                return new QueryResult(firstBatch);
            }
        } catch (RuntimeException | Error e) {
            store.deregisterVersionUsage(pin);
            throw e;
        }
        StreamingCursor cursor = new StreamingCursor(cursorRegistry.generateCursorId(), iterator, store, pin);
        cursorRegistry.add(cursor);
        return new QueryResult(firstBatch, cursor);
    }

    static List<Document> take(Iterator<Document> iterator, int max) {
        List<Document> batch = new ArrayList<>(Math.min(Math.max(max, 0), 10_000));
        while ((max <= 0 || batch.size() < max) && iterator.hasNext()) {
            batch.add(iterator.next());
        }
        return batch;
    }
}

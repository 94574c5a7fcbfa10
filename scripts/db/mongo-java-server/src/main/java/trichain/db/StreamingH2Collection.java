package trichain.db;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DefaultQueryMatcher;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.TrichainProjection;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;

/**
 * H2Collection that never holds a whole collection in the heap, and that uses its secondary indexes.
 *
 * Stock mongo-java-server 1.47.0 materialises every query result before the first batch is sent, and every
 * aggregation starts from a list of ALL the collection's documents (Aggregation.runStages → queryAll). With
 * ~500k activities that list alone filled a 1 GB heap and the server stalled in full GCs (measured; see
 * docs/database-compat.md, Capacity). Here:
 * - an aggregation reads the collection as a lazy stream, so `$match` drops documents as they are read;
 * - an unsorted find with a batch size returns its first batch and keeps a lazy cursor for getMore.
 * Both read an MVStore snapshot; the version they read is pinned (DurableH2Backend per command,
 * StreamingCursor per cursor) so background compaction can't free its chunks mid-read ("Chunk N not found").
 *
 * Launcher -r3: a filter (find, count, distinct, update, delete) or an aggregation's leading $match that a
 * SecondaryIndex can narrow (QueryPlanner) reads only the index's candidate documents, in natural (_id) order
 * like a scan, and the stock matcher still applies the whole filter.
 */
final class StreamingH2Collection extends H2Collection {

    private static final Logger log = LoggerFactory.getLogger(StreamingH2Collection.class);

    private final MVMap<Object, Document> dataMap;

    StreamingH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                          MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        this.dataMap = dataMap;
    }

    /** Positions in the data map's own key order: what a scan returns. */
    private int compareKeys(Object a, Object b) {
        return dataMap.getKeyType().compare(a, b);
    }

    private List<Object> candidates(Document query) {
        return QueryPlanner.candidates(getIndexes(), query, dataMap.sizeAsLong(), this::compareKeys);
    }

    private Stream<Document> read(List<Object> positions) {
        return positions.stream().map(dataMap::get).filter(Objects::nonNull);
    }

    /** Lazy: consumed inside the aggregate command, whose store version DurableH2Backend pins. */
    @Override
    public Stream<Document> queryAllAsStream() {
        Document leadingMatch = AggregationHint.take(getCollectionName());
        if (leadingMatch != null) {
            List<Object> positions = candidates(leadingMatch);
            if (positions != null) {
                return read(positions);
            }
            QueryPlanner.countScan(getFullName(), leadingMatch);
        }
        return dataMap.values().stream();
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        for (Index<Object> index : getIndexes()) {
            if (index.canHandle(query)) { // a unique index (_id, ...): the stock path
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
        }
        if (!isNaturalDescending(orderBy)) {
            List<Object> positions = candidates(query);
            if (positions != null) {
                if (batchSize <= 0 || (orderBy != null && !orderBy.isEmpty())) {
                    return matchDocumentsFromStream(read(positions), query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                }
                return stream(read(positions), query, numberToSkip, limit, batchSize, fieldSelector);
            }
        }
        QueryPlanner.countScan(getFullName(), query);
        return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        // A sort needs every match anyway, and batchSize 0 means "all in one reply" (also what the server's own
        // update/delete paths ask for): those keep the stock, materialising behaviour.
        if (batchSize <= 0 || (orderBy != null && !orderBy.isEmpty())) {
            return super.matchDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        return stream(dataMap.values().stream(), query, numberToSkip, limit, batchSize, fieldSelector);
    }

    /** First batch now, the rest through a StreamingCursor that reads as getMore asks. */
    private QueryResult stream(Stream<Document> source, Document query, int numberToSkip, int limit, int batchSize,
                               Document fieldSelector) {
        MVStore store = dataMap.getStore();
        MVStore.TxCounter pin = store.registerVersionUsage(); // before the snapshot below is taken
        // Own matcher: the collection's matcher remembers positional matches for updates, and getMore runs
        // outside the collection's lock.
        DefaultQueryMatcher matcher = new DefaultQueryMatcher();
        Stream<Document> stream = source.filter(document -> matcher.matches(document, query));
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

    /**
     * Builds a new secondary index in one pass over the documents (the stock addIndex reads them twice, the
     * first time only for unique checks), then registers it; an index already built (a restart) is only
     * registered.
     */
    @Override
    public void addIndex(Index<Object> index) {
        if (index instanceof SecondaryIndex<Object> secondary && secondary.isEmpty()
            && getIndexes().stream().noneMatch(existing -> existing.getName().equals(index.getName()))) {
            long started = System.nanoTime();
            streamAllDocumentsWithPosition().forEach(d -> secondary.add(d.getDocument(), d.getPosition(), this));
            secondary.markBuilt();
            log.info("built index {} on {}: {} entries in {} ms", index.getName(), getFullName(), secondary.getCount(),
                (System.nanoTime() - started) / 1_000_000);
        }
        super.addIndex(index); // builds a TrichainUniqueIndex that isn't yet (new, or a file from before -r4)
        if (index instanceof TrichainUniqueIndex unique && getIndexes().contains(index)) {
            unique.markBuilt();
        }
    }

    /** Index entries go before the document (AbstractMongoCollection.removeDocument → here). */
    @Override
    protected void removeDocument(Object position) {
        Document document = dataMap.get(position);
        for (Index<Object> index : getIndexes()) {
            if (index instanceof SecondaryIndex<Object> secondary) {
                secondary.removeAt(document, position);
            }
        }
        super.removeDocument(position);
    }

    static List<Document> take(Iterator<Document> iterator, int max) {
        List<Document> batch = new ArrayList<>(Math.min(Math.max(max, 0), 10_000));
        while ((max <= 0 || batch.size() < max) && iterator.hasNext()) {
            batch.add(iterator.next());
        }
        return batch;
    }
}

package trichain.db;

import java.util.List;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Hands an aggregate command's leading $match to the collection it reads. Stock mongo-java-server starts every
 * aggregation from collection.queryAllAsStream(), which knows nothing of the pipeline; the database sets the
 * hint around the command and the collection takes it on its first queryAllAsStream() call (the pipeline's
 * input). Taking it once keeps it away from any later read of the same collection in that command (a
 * $lookup on itself). The $match stage still runs on what the collection returns, so the index only narrows.
 */
final class AggregationHint {

    private record Hint(String collectionName, Document match) {
    }

    private static final ThreadLocal<Hint> CURRENT = new ThreadLocal<>();

    private AggregationHint() {
    }

    /** The leading $match of an aggregate command, or null. */
    static Document leadingMatch(String command, Document query) {
        if (!command.equalsIgnoreCase("aggregate") || !(query.get(command) instanceof String)) {
            return null;
        }
        if (query.get("pipeline") instanceof List<?> pipeline && !pipeline.isEmpty()
            && pipeline.get(0) instanceof Document first && first.size() == 1 && first.get("$match") instanceof Document match) {
            return match;
        }
        return null;
    }

    static void set(String collectionName, Document match) {
        CURRENT.set(new Hint(collectionName, match));
    }

    static void clear() {
        CURRENT.remove();
    }

    static Document take(String collectionName) {
        Hint hint = CURRENT.get();
        if (hint == null || !hint.collectionName().equals(collectionName)) {
            return null;
        }
        CURRENT.remove();
        return hint.match();
    }
}

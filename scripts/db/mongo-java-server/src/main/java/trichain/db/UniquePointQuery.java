package trichain.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.TrichainUtils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * Lookups of a compound unique index by its keys: a filter on exactly the index's fields, each an equality to a
 * scalar or a {@code $in} of scalars ({@code {source: 'csv', sourceId: {$in: [...1,000 ids]}}}, which the app's
 * activity store sends once per ingest batch). Stock AbstractUniqueIndex answers equality on all fields and a
 * {@code $in} on a single-field index, but refuses a compound index with a {@code $in} (mongo-java-server issue
 * 80), so each such batch scanned the whole collection: an import slowed down as the collection grew.
 * <p>
 * Only non-null strings, numbers (not Decimal128), ObjectIds, dates, booleans and UUIDs: for those, the stored
 * (normalised) key equals the normalised query value exactly when the stock matcher's equality holds, and an
 * array field has one entry per element, as the matcher's "any element" rule. The collection still applies the
 * whole filter to the documents found (AbstractMongoCollection.matchDocuments). Results come in the order of
 * the looked-up keys, as stock's single-field {@code $in} does.
 */
final class UniquePointQuery {

    private static final int MAX_KEYS = 100_000;

    private UniquePointQuery() {
    }

    /** The keys to look up, normalised, or null when the filter isn't of that shape. */
    static List<KeyValue> keys(List<String> fields, Document query) {
        if (fields.size() < 2 || query.size() != fields.size() || !query.keySet().equals(new HashSet<>(fields))) {
            return null;
        }
        List<List<Object>> perField = new ArrayList<>(fields.size());
        long combinations = 1;
        for (String field : fields) {
            Object condition = query.get(field);
            List<Object> values;
            if (condition instanceof Document operators) {
                if (operators.size() != 1 || !(operators.get("$in") instanceof Collection<?> list)) {
                    return null;
                }
                values = new ArrayList<>(list.size());
                for (Object v : list) {
                    if (!isPointValue(v)) {
                        return null;
                    }
                    values.add(TrichainUtils.normalizeValue(v));
                }
            } else if (isPointValue(condition)) {
                values = List.of(TrichainUtils.normalizeValue(condition));
            } else {
                return null;
            }
            combinations *= values.size();
            if (combinations > MAX_KEYS) {
                return null;
            }
            perField.add(values);
        }
        List<KeyValue> keys = new ArrayList<>((int) combinations);
        product(perField, 0, new Object[fields.size()], keys);
        return keys;
    }

    private static void product(List<List<Object>> perField, int i, Object[] current, List<KeyValue> out) {
        if (i == perField.size()) {
            out.add(new KeyValue(current.clone()));
            return;
        }
        for (Object v : perField.get(i)) {
            current[i] = v;
            product(perField, i + 1, current, out);
        }
    }

    static boolean isPointValue(Object value) {
        if (value instanceof Double d) {
            return !d.isNaN();
        }
        return value instanceof String || value instanceof Integer || value instanceof Long || value instanceof ObjectId
            || value instanceof Instant || value instanceof Boolean || value instanceof UUID;
    }

    /** The positions of the keys that exist, each once. */
    static <P> Set<P> positions(List<KeyValue> keys, Function<KeyValue, P> lookup) {
        Set<P> positions = new LinkedHashSet<>();
        for (KeyValue key : keys) {
            P position = lookup.apply(key);
            if (position != null) {
                positions.add(position);
            }
        }
        return positions;
    }
}

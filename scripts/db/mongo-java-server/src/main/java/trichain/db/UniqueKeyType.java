package trichain.db;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * Keys of a unique index's H2 map (TrichainUniqueIndex): compared field by field, without serialising them.
 * <p>
 * Stock H2UniqueIndex keeps its KeyValue keys in an MVMap with H2's ObjectDataType, which orders a class it
 * doesn't know (KeyValue is Serializable, not Comparable) by Java-serialising BOTH keys on EVERY comparison:
 * a lookup in a 200k-key map serialised ~36 objects, and each insert does two lookups per unique index (the
 * duplicate check, then the put). That was 57% of the server's CPU in a bulk insert into the app's activities
 * (JFR, launcher -r3; _id plus the unique source+sourceId).
 * <p>
 * The order here only has to be total and agree with the stock map's notion of "the same key" (equal
 * serialised bytes): values compare first by their Java class (the tag IndexEntryType writes), then by value
 * within the class, so 1 (Integer) and 1.0 (Double) stay different keys as before (unique keys are normalised
 * to Double by the library before they get here anyway). Rare classes (embedded documents, binaries, ...) are
 * compared by their serialised bytes, as before. Written with IndexEntryType's compact value encoding.
 */
final class UniqueKeyType extends BasicDataType<KeyValue> {

    static final UniqueKeyType INSTANCE = new UniqueKeyType();

    private UniqueKeyType() {
    }

    @Override
    public int compare(KeyValue a, KeyValue b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The class order of IndexEntryType's tags; every class not listed is SERIALIZED. */
    private static int tag(Object value) {
        if (value == null) {
            return 0;
        } else if (value instanceof Integer) {
            return 1;
        } else if (value instanceof Long) {
            return 2;
        } else if (value instanceof Double) {
            return 3;
        } else if (value instanceof String) {
            return 4;
        } else if (value instanceof Instant) {
            return 5;
        } else if (value instanceof ObjectId) {
            return 6;
        } else if (value instanceof Boolean) {
            return 7;
        } else if (value instanceof UUID) {
            return 9;
        }
        return 10;
    }

    static int compareValues(Object a, Object b) {
        int ta = tag(a);
        int tb = tag(b);
        if (ta != tb) {
            return Integer.compare(ta, tb);
        }
        switch (ta) {
            case 0:
                return 0;
            case 1:
                return Integer.compare((Integer) a, (Integer) b);
            case 2:
                return Long.compare((Long) a, (Long) b);
            case 3:
                return Double.compare((Double) a, (Double) b); // as the bytes: -0.0 != 0.0, NaN == NaN
            case 4:
                return ((String) a).compareTo((String) b);
            case 5:
                return ((Instant) a).compareTo((Instant) b);
            case 6:
                return ((ObjectId) a).compareTo((ObjectId) b);
            case 7:
                return Boolean.compare((Boolean) a, (Boolean) b);
            case 9:
                return ((UUID) a).compareTo((UUID) b);
            default:
                if (a == b) {
                    return 0;
                }
                return Arrays.compare(IndexEntryType.serialize(a), IndexEntryType.serialize(b));
        }
    }

    @Override
    public int getMemory(KeyValue key) {
        int memory = 48;
        for (Object value : key) {
            memory += value instanceof String s ? 48 + 2 * s.length() : 32;
        }
        return memory;
    }

    @Override
    public void write(WriteBuffer buff, KeyValue key) {
        buff.putVarInt(key.size());
        for (Object value : key) {
            IndexEntryType.writeValue(buff, value);
        }
    }

    @Override
    public KeyValue read(ByteBuffer buff) {
        int n = DataUtils.readVarInt(buff);
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(IndexEntryType.readValue(buff));
        }
        return new KeyValue(values);
    }

    @Override
    public KeyValue[] createStorage(int size) {
        return new KeyValue[size];
    }

    /** The map's values: document positions (the _id), same encoding. */
    static final class PositionType extends BasicDataType<Object> {

        static final PositionType INSTANCE = new PositionType();

        private PositionType() {
        }

        @Override
        public int compare(Object a, Object b) {
            return compareValues(a, b);
        }

        @Override
        public int getMemory(Object position) {
            return position instanceof String s ? 48 + 2 * s.length() : 32;
        }

        @Override
        public void write(WriteBuffer buff, Object position) {
            IndexEntryType.writeValue(buff, position);
        }

        @Override
        public Object read(ByteBuffer buff) {
            return IndexEntryType.readValue(buff);
        }

        @Override
        public Object[] createStorage(int size) {
            return new Object[size];
        }
    }
}

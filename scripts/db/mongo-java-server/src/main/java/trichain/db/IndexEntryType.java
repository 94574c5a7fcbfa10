package trichain.db;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * How IndexEntry keys are written to the H2 file: a type tag and a compact encoding per value, Java
 * serialization only for rare types. H2's default (ObjectDataType) Java-serialises every key with its class
 * descriptors each time a page is written; an index grows by random inserts, so every commit rewrites most of
 * its leaf pages, and with Java serialisation that made bulk inserts into a collection with four secondary
 * indexes several times slower (measured while building launcher -r3).
 */
final class IndexEntryType extends BasicDataType<IndexEntry> {

    static final IndexEntryType INSTANCE = new IndexEntryType();

    private static final byte NULL = 0;
    private static final byte INT = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte STRING = 4;
    private static final byte INSTANT = 5;
    private static final byte OBJECT_ID = 6;
    private static final byte TRUE = 7;
    private static final byte FALSE = 8;
    private static final byte UUID_TAG = 9;
    private static final byte SERIALIZED = 10;

    private IndexEntryType() {
    }

    @Override
    public int compare(IndexEntry a, IndexEntry b) {
        return a.compareTo(b);
    }

    @Override
    public int getMemory(IndexEntry entry) {
        int memory = 48;
        for (Object value : entry.values) {
            memory += memoryOf(value);
        }
        return memory + memoryOf(entry.position);
    }

    private static int memoryOf(Object value) {
        if (value instanceof String s) {
            return 48 + 2 * s.length();
        }
        return value instanceof Number || value instanceof Boolean || value == null ? 16 : 64;
    }

    @Override
    public void write(WriteBuffer buff, IndexEntry entry) {
        buff.putVarInt(entry.values.length);
        for (Object value : entry.values) {
            writeValue(buff, value);
        }
        writeValue(buff, entry.position);
    }

    @Override
    public IndexEntry read(ByteBuffer buff) {
        Object[] values = new Object[DataUtils.readVarInt(buff)];
        for (int i = 0; i < values.length; i++) {
            values[i] = readValue(buff);
        }
        return new IndexEntry(values, readValue(buff));
    }

    @Override
    public IndexEntry[] createStorage(int size) {
        return new IndexEntry[size];
    }

    /** Also UniqueKeyType's encoding of a value. */
    static void writeValue(WriteBuffer buff, Object value) {
        if (value == null) {
            buff.put(NULL);
        } else if (value instanceof Integer i) {
            buff.put(INT).putInt(i);
        } else if (value instanceof Long l) {
            buff.put(LONG).putLong(l);
        } else if (value instanceof Double d) {
            buff.put(DOUBLE).putDouble(d);
        } else if (value instanceof String s) {
            buff.put(STRING).putVarInt(s.length()).putStringData(s, s.length());
        } else if (value instanceof Instant t) {
            buff.put(INSTANT).putLong(t.getEpochSecond()).putInt(t.getNano());
        } else if (value instanceof ObjectId id) {
            buff.put(OBJECT_ID).put(id.toByteArray());
        } else if (value instanceof Boolean b) {
            buff.put(b ? TRUE : FALSE);
        } else if (value instanceof UUID u) {
            buff.put(UUID_TAG).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        } else {
            byte[] bytes = serialize(value);
            buff.put(SERIALIZED).putVarInt(bytes.length).put(bytes);
        }
    }

    static Object readValue(ByteBuffer buff) {
        byte tag = buff.get();
        switch (tag) {
            case NULL:
                return null;
            case INT:
                return buff.getInt();
            case LONG:
                return buff.getLong();
            case DOUBLE:
                return buff.getDouble();
            case STRING:
                return DataUtils.readString(buff, DataUtils.readVarInt(buff));
            case INSTANT:
                return Instant.ofEpochSecond(buff.getLong(), buff.getInt());
            case OBJECT_ID: {
                byte[] bytes = new byte[12];
                buff.get(bytes);
                return new ObjectId(bytes);
            }
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case UUID_TAG:
                return new UUID(buff.getLong(), buff.getLong());
            case SERIALIZED: {
                byte[] bytes = new byte[DataUtils.readVarInt(buff)];
                buff.get(bytes);
                return deserialize(bytes);
            }
            default:
                throw new IllegalStateException("unknown index value tag " + tag);
        }
    }

    static byte[] serialize(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream os = new ObjectOutputStream(out)) {
            os.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Object deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}

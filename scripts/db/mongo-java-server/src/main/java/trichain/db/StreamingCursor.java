package trichain.db;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.CursorNotFoundException;

/**
 * A find cursor that reads its documents as getMore asks for them (StreamingH2Collection). It pins the
 * MVStore version its snapshot belongs to until it is exhausted, killed or idle for IDLE_MS; a pin that
 * were never released would keep old chunks from ever being reused (the file would only grow).
 */
final class StreamingCursor extends AbstractCursor {

    /** MongoDB's own idle-cursor timeout (cursorTimeoutMillis default): 10 minutes. */
    static final long IDLE_MS = 10 * 60_000L;

    private static final Set<StreamingCursor> LIVE = ConcurrentHashMap.newKeySet();

    private final Iterator<Document> iterator;
    private final MVStore store;
    private MVStore.TxCounter pin;
    private volatile long lastUsed = System.currentTimeMillis();

    StreamingCursor(long id, Iterator<Document> iterator, MVStore store, MVStore.TxCounter pin) {
        super(id);
        this.iterator = iterator;
        this.store = store;
        this.pin = pin;
        LIVE.add(this);
    }

    @Override
    public synchronized boolean isEmpty() {
        boolean empty = pin == null || !iterator.hasNext();
        if (empty) {
            release();
        }
        return empty;
    }

    @Override
    public synchronized List<Document> takeDocuments(int numberToReturn) {
        lastUsed = System.currentTimeMillis();
        if (pin == null) {
            // Swept (idle or killed) between the registry lookup and this call: say so, never a short result.
            throw new CursorNotFoundException(getId());
        }
        try {
            return StreamingH2Collection.take(iterator, numberToReturn);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    private synchronized void release() {
        if (pin != null) {
            store.deregisterVersionUsage(pin);
            pin = null;
        }
        LIVE.remove(this);
    }

    /**
     * Releases cursors the server no longer knows (killCursors) and closes idle ones (a client that went
     * away without killing its cursor). Called every few seconds by DurableH2Backend.
     */
    static void sweep(CursorRegistry registry) {
        long now = System.currentTimeMillis();
        for (StreamingCursor cursor : LIVE) {
            boolean known;
            try {
                registry.getCursor(cursor.getId());
                known = true;
            } catch (CursorNotFoundException e) {
                known = false;
            }
            if (known && now - cursor.lastUsed > IDLE_MS) {
                registry.remove(cursor.getId());
                known = false;
            }
            if (!known) {
                cursor.release();
            }
        }
    }

    static int live() {
        return LIVE.size();
    }
}

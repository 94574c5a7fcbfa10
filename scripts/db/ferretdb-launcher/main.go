// Command ferretdb-launcher runs FerretDB v1.24.2 with the SQLite handler for trichain's
// local development and tests.
//
// Why a launcher instead of `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`:
// a binary built that way panics at start-up because build/version/version.txt is generated
// and not in the module zip (FerretDB issue #2982). Importing the embeddable package from our
// own main module skips that check, and the embeddable mode never starts the telemetry
// reporter or the debug HTTP listener.
//
// Usage:
//
//	ferretdb-launcher --listen 127.0.0.1:27018 --data-dir ./.cache/mongo-data
//
// On start-up it prints exactly one line to stdout once the TCP listener is bound:
//
//	ferretdb-launcher: listening on mongodb://127.0.0.1:27018/
//
// It exits 0 on SIGTERM/SIGINT, and also when its parent process dies (so a crashed or
// SIGKILLed Node parent does not leave an orphan server holding the port and SQLite files).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0 = pick a free one)")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files, one <db>.sqlite per database (created if missing)")
	logLevel := flag.String("log-level", "warn", "log level for stderr: debug, info, warn, error")
	watchParent := flag.Bool("exit-with-parent", true, "exit when the parent process goes away")
	flag.Parse()

	if *dataDir == "" {
		fail("--data-dir is required")
	}

	// FerretDB's SQLite URL must be file:<existing dir ending in />; an absolute path keeps it
	// independent of the launcher's working directory.
	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("bad --data-dir: %v", err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fail("cannot create --data-dir: %v", err)
	}

	var level slog.Level
	if err = level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad --log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + strings.TrimSuffix(dir, "/") + "/",
	})
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if *watchParent {
		ctx = exitWithParent(ctx)
	}

	done := make(chan struct{})
	go func() {
		// Run closes the listener, all connections and the SQLite pool when ctx is cancelled.
		_ = f.Run(ctx)
		close(done)
	}()

	// New() has already bound the TCP listener, so the address (and the real port when 0 was
	// asked for) is known now; print it so a supervisor can wait for this line.
	fmt.Printf("ferretdb-launcher: listening on %s\n", f.MongoDBURI())

	<-done
	logger.Info("ferretdb-launcher: stopped")
}

// exitWithParent returns a context that is also cancelled when the launcher is re-parented,
// which on Linux means the process that started it has died.
func exitWithParent(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	ppid := os.Getppid()
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if os.Getppid() != ppid {
					cancel()
					return
				}
			}
		}
	}()
	return ctx
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: "+format+"\n", args...)
	os.Exit(2)
}

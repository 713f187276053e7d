// Command ferretdb-launcher runs FerretDB 1.24 through its embeddable package.
//
// The Go module proxy reachable from our build machines does not serve
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.1`, and a binary
// built from the v1.24.0 module of cmd/ferretdb panics because the module zip
// lacks build/version/version.txt. The embeddable package has neither problem,
// so the platform starts FerretDB through this small launcher instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only with -debug-addr, to read a stalled store's goroutines
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL (with trailing slash)")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL for the postgresql handler")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	debugAddr := flag.String("debug-addr", "", "loopback address for Go's pprof handlers (off when empty)")
	maxCommands := flag.Int("max-commands", 0, "at most this many commands in flight inside FerretDB (0: no gate); see gate.go")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "exit when standard input closes (the parent process died)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	listener := ferretdb.ListenerConfig{TCP: *listen}
	var g *gate
	if *maxCommands > 0 {
		dir, err := os.MkdirTemp("", "ferretdb-gate-")
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
			os.Exit(1)
		}
		defer os.RemoveAll(dir)
		socket := filepath.Join(dir, "ferretdb.sock")
		listener = ferretdb.ListenerConfig{Unix: socket}
		g = newGate(*maxCommands, socket)
		// With -debug-addr: how many of the gate's places are taken and how many commands wait.
		http.HandleFunc("/debug/gate", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, "in flight %d of %d\n", len(g.tokens), cap(g.tokens))
		})
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      listener,
		Logger:        logger,
		Handler:       *handler,
		SQLiteURL:     *sqliteURL,
		PostgreSQLURL: *postgresURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	if *debugAddr != "" {
		go func() { _ = http.ListenAndServe(*debugAddr, nil) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	if g != nil {
		public, err := net.Listen("tcp", *listen)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
			os.Exit(1)
		}
		go func() { _ = g.serve(public) }()
		go func() {
			<-ctx.Done()
			_ = public.Close()
		}()
	}

	// Callers wait for the port to accept connections; MongoDBURI may block before Run listens.
	fmt.Fprintf(os.Stdout, "ferretdb starting on %s\n", *listen)
	<-done
}

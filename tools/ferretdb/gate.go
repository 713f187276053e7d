package main

// The gate keeps FerretDB's commands in flight below its PostgreSQL pool's size.
//
// FerretDB 1.24 updates a document by holding one pooled connection for the query that finds it
// while it waits for a second one to write it. When as many updates as the pool holds arrive at
// once, each holds one connection and waits for another that never comes: the store stops for
// good, with PostgreSQL idle (seen in `npm run faults -- soak` at a pool of 20; a dump of the
// launcher's goroutines showed every request waiting in the pool's Acquire). The deadlock needs
// at least as many commands in flight as the pool has connections, so the gate lets at most
// `limit` commands through at a time, counted from the request until FerretDB's reply, also for
// a client that went away meanwhile: FerretDB finishes what it was sent either way.
//
// Clients speak to the gate's TCP address; FerretDB listens on a Unix socket behind it.

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
)

const (
	headerLen      = 16
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	// A wire message larger than MongoDB's own limit is not one.
	maxMessageLen = 48 * 1000 * 1000
)

// ungated commands never wait for a pooled connection of their own: the handshake and health
// checks, and the commands that carry on (or end) a cursor that already holds one, which must
// not wait behind commands that may be waiting for that very connection.
var ungated = map[string]bool{
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true, "buildinfo": true,
	"getParameter": true, "saslStart": true, "saslContinue": true, "endSessions": true,
	"getMore": true, "killCursors": true,
}

type gate struct {
	tokens  chan struct{}
	backend string // FerretDB's Unix socket
}

func newGate(limit int, backend string) *gate {
	return &gate{tokens: make(chan struct{}, limit), backend: backend}
}

func (g *gate) serve(l net.Listener) error {
	for {
		client, err := l.Accept()
		if err != nil {
			return err
		}
		go g.relay(client)
	}
}

type message struct {
	raw   []byte
	gated bool
	reply bool // whether FerretDB answers it (not when the client set moreToCome)
}

func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, headerLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(header)))
	if n < headerLen || n > maxMessageLen {
		return nil, errors.New("bad wire message length")
	}
	raw := make([]byte, n)
	copy(raw, header)
	if _, err := io.ReadFull(r, raw[headerLen:]); err != nil {
		return nil, err
	}
	return raw, nil
}

func opCode(raw []byte) int32 { return int32(binary.LittleEndian.Uint32(raw[12:16])) }

func msgFlags(raw []byte) uint32 {
	if len(raw) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(raw[headerLen : headerLen+4])
}

// commandName is the first key of an OP_MSG's body section (kind 0), or "" when there is none.
func commandName(raw []byte) string {
	at := headerLen + 4
	if len(raw) < at+1+4+1 || raw[at] != 0 {
		return ""
	}
	at += 1 + 4 + 1 // section kind, the document's length, the first element's type
	end := at
	for end < len(raw) && raw[end] != 0 {
		end++
	}
	if end >= len(raw) {
		return ""
	}
	return string(raw[at:end])
}

func classify(raw []byte) message {
	if opCode(raw) != opMsg {
		// Legacy opcodes carry only the first handshake of older drivers.
		return message{raw: raw, gated: false, reply: true}
	}
	reply := msgFlags(raw)&flagMoreToCome == 0
	return message{raw: raw, gated: reply && !ungated[commandName(raw)], reply: reply}
}

// relay carries one client connection. Requests are read ahead by one so that a client that
// leaves while its request waits for the gate is noticed and the request is dropped unsent.
func (g *gate) relay(client net.Conn) {
	defer client.Close()
	backend, err := net.Dial("unix", g.backend)
	if err != nil {
		return
	}
	var closeBackend sync.Once
	shut := func() { closeBackend.Do(func() { _ = backend.Close() }) }

	requests := make(chan message, 1)
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			raw, err := readMessage(client)
			if err != nil {
				return
			}
			requests <- classify(raw)
		}
	}()

	// Replies come back in the order of the requests; each gated one returns its token.
	var mu sync.Mutex
	var pending []bool
	outstanding := make(chan struct{}, 1)
	repliesDone := make(chan struct{})
	go func() {
		defer close(repliesDone)
		defer func() {
			mu.Lock()
			for _, gated := range pending {
				if gated {
					<-g.tokens
				}
			}
			pending = nil
			mu.Unlock()
		}()
		for {
			raw, err := readMessage(backend)
			if err != nil {
				return
			}
			more := opCode(raw) == opMsg && msgFlags(raw)&flagMoreToCome != 0
			if !more {
				mu.Lock()
				if len(pending) > 0 {
					if pending[0] {
						<-g.tokens
					}
					pending = pending[1:]
				}
				left := len(pending)
				mu.Unlock()
				if left == 0 {
					select {
					case outstanding <- struct{}{}:
					default:
					}
				}
			}
			_, _ = client.Write(raw) // a client that left still has its commands finished
		}
	}()

	defer func() {
		// The client left: wait for FerretDB's answers to what it was sent, then close.
		for {
			mu.Lock()
			left := len(pending)
			mu.Unlock()
			if left == 0 {
				break
			}
			select {
			case <-outstanding:
			case <-repliesDone:
			}
		}
		shut()
		<-repliesDone
	}()

	for {
		var m message
		select {
		case m = <-requests:
		case <-gone:
			select {
			case m = <-requests:
			default:
				return
			}
		}
		if m.gated {
			select {
			case g.tokens <- struct{}{}:
			case <-gone:
				return
			}
		}
		if m.reply {
			mu.Lock()
			pending = append(pending, m.gated)
			mu.Unlock()
		}
		if _, err := backend.Write(m.raw); err != nil {
			shut() // ends the reply reader, which returns the tokens of what is pending
			return
		}
	}
}

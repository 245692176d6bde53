package ingest

import (
	"context"

	"guichet/store"
)

// Action says what delivering a message did.
type Action string

const (
	// Created: the message opened a new ticket.
	Created Action = "created"
	// Joined: the message joined an existing ticket.
	Joined Action = "joined"
	// Duplicate: the message (same Message-ID, or same bytes without one) was stored already.
	Duplicate Action = "duplicate"
	// Unticketed: the message was stored but opens no ticket (no usable sender, read receipt).
	Unticketed Action = "unticketed"
)

// Result of delivering one message. Everything it reports is committed.
type Result struct {
	Action    Action
	Ticket    string // ticket number, "" for Unticketed
	LinkedTo  string // for Created: the ticket the message referred to without joining it
	Category  string // for Created: the new ticket's category ("" for none)
	MessageID string
	// Reason explains Unticketed, a link, a suppressed acknowledgment or a parse problem.
	Reason     string
	ParseError string
}

// Deliverer is what each transport (SMTP, IMAP, pipe) needs: hand over the
// raw bytes and the envelope, get back a committed result. An error wrapping
// store.ErrUnavailable is temporary (SMTP 451, exit 75); any other error is
// also to be treated as temporary by transports, since the bytes were not
// stored.
type Deliverer interface {
	Deliver(ctx context.Context, raw []byte, env store.Envelope) (Result, error)
}

package ingest

import (
	"context"
	"log/slog"
	"time"

	"guichet/alerts"
	"guichet/classify"
	"guichet/ingest/mailparse"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/sender"
	"guichet/store"
)

// Store is the part of the store the pipeline needs.
type Store interface {
	InTx(ctx context.Context, fn store.TxFunc) error
	InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error)
	// PutContent stores attachments' content ahead of their message.
	PutContent(ctx context.Context, as []store.Attachment) error
	// Ticket reads a ticket's thread for the agents' API (PostAgent).
	Ticket(ctx context.Context, number string) (store.TicketDetail, error)
}

// Classifier chooses a category from a subject and a body.
type Classifier interface {
	Classify(subject, body string) classify.Result
}

// AddressParser recognises the ticket's signed reply addresses.
type AddressParser interface {
	Parse(addr string) (number string, role replyaddr.Role, ok bool)
}

// Acknowledger queues a new ticket's acknowledgment inside the pipeline's
// transaction, or says why none may go out.
// It works in two steps around the store's count of what the requesters
// were sent lately, which the opener runs with its own count of their
// tickets and, where it can, the creation of the tickets
// (store.Tx.CreateTicketsCounting): one round trip for all.
type Acknowledger interface {
	// PlanAcks decides, without the store, which of several new tickets may
	// be acknowledged and what the hourly limits need counted.
	PlanAcks(ts []store.Ticket, ins []outbound.Incoming) (*outbound.AckPlan, error)
	// Ours are the addresses whose mail no acknowledgment answers: the
	// pipeline works out the loop verdict for them before the transaction
	// and passes it to PlanAcks (Incoming.Loop).
	Ours() []string
	// FinishAcks applies the limits to sent, the counts p.Count asked for,
	// and queues the acknowledgments in a fixed number of statements;
	// reasons[i] says why ts[i] got none, "" when one is queued.
	FinishAcks(ctx context.Context, tx store.Tx, p *outbound.AckPlan, sent store.AckCounts) (reasons []string, err error)
}

// Options configure a Pipeline.
type Options struct {
	// SupportAddress is the help centre's address.
	SupportAddress string
	// OwnAddresses are our addresses besides SupportAddress (alert
	// addresses, declared aliases): never participants, never acknowledged.
	OwnAddresses []string
	// AlertAddresses are recipients whose mail is monitoring mail.
	AlertAddresses []string
	// AlertMailboxes are IMAP mailbox names of kind "alert".
	AlertMailboxes []string
	// Agents are the declared agents' addresses.
	Agents []string
	// MessageIDHost is the right-hand side of the Message-IDs we write
	// (GUICHET_HOSTNAME): a message whose In-Reply-To or References names
	// one answers our own mail, which is where out-of-office notices that
	// only their text reveals come from.
	MessageIDHost string
	// ReopenAfterClose: a requester's reply to a ticket closed longer ago
	// than this opens a new linked ticket instead of reopening it.
	ReopenAfterClose time.Duration
	Limits           mailparse.Limits
	// MaxBatch bounds how many deliveries share one commit (default 64).
	MaxBatch int
	Logger   *slog.Logger
	Clock    func() time.Time
	// Observe, when set, is called after each committed delivery (metrics).
	Observe func(env store.Envelope, kind store.Kind, r Result, took time.Duration)
	// OnWorkflow, when set, is called after a commit for each first public
	// answer and each resolution it made (metrics).
	OnWorkflow func(ev WorkflowEvent)

	// Monitoring mail (see alert.go). AlertRules
	// mark senders' mail as alerts and read formats no built-in parser knows.
	AlertRules []alerts.Rule
	// AlertRenotify: agents hear of an incident at most once per period
	// (GUICHET_ALERT_RENOTIFY, default 1h).
	AlertRenotify time.Duration
	// AlertReopen: a problem within this time of its incident's recovery
	// reopens it, later it opens a new one (GUICHET_ALERT_REOPEN, default 1h).
	AlertReopen time.Duration

	// Agents' work by mail (the workflow rules; see agent.go).
	// Teams route categories to agents: a category whose group a team
	// covers notifies that team; other categories notify every agent.
	Teams []Team
	// AgentNames are declared agents' names by address: #assigner takes
	// a name as well as an address.
	AgentNames map[string]string
	// SLA are the service-level targets ([[sla]]), counted on
	// BusinessClock ([calendar]); nil counts real time (24/7).
	SLA           []SLATarget
	BusinessClock BusinessClock
	// Mailer sends notifications, answers, notices and command reports;
	// nil sends none (an agent's message is still recorded).
	Mailer AgentMailer
	// TrustedAuthServ are the authserv-ids (RFC 8601) whose
	// Authentication-Results fields prove an agent's identity
	// (GUICHET_TRUSTED_AUTHSERV). The MTA named must remove such fields
	// that arrive from outside (RFC 8601 §5).
	TrustedAuthServ []string
	// LookupTXT resolves DKIM keys when Sender is nil (tests check DKIM
	// offline with it); without either, no DNS is asked.
	LookupTXT func(domain string) ([]string, error)
	// Sender gives each incoming message its trust verdict (docs/threading.md,
	// "Trust"); nil: a *sender.Checker over TrustedAuthServ and LookupTXT.
	Sender SenderChecker
}

// SenderChecker gives a message its sender verdict. It runs before the
// message's transaction, and must bound its own wait (DNS).
type SenderChecker interface {
	Check(ctx context.Context, in sender.Input) sender.Result
}
